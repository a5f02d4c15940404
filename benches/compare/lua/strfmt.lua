-- Mirrors benches/programs/strfmt.pbs: 300,000 formatted lines with
-- tostring and `..`; the checksum adds their lengths.
local LINES = 300000

local total = 0
for i = 0, LINES - 1 do
  local line = "item " .. tostring(i) .. ": x=" .. tostring(i * 7 % 1000) .. " ok=" .. tostring(i % 3 == 0)
  total = total + #line
end
print(string.format("total = %d", total))
