-- Mirrors benches/programs/strcat10.pbs: 20,000 appends of a 10-character literal.
local APPENDS = 20000

local s = ""
for i = 1, APPENDS do
  s = s .. "abcdefghij"
end
print(string.format("len = %d", #s))
