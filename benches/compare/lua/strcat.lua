-- Mirrors benches/programs/strcat.pbs: 200,000 one-character appends with
-- `..`; prints the length and the last 10 characters.
local APPENDS = 200000

local s = ""
for i = 0, APPENDS - 1 do
  s = s .. tostring(i % 10)
end
local n = #s
print(string.format("len = %d, tail = %s", n, s:sub(n - 9, n)))
