-- Mirrors benches/programs/map_ints.pbs: 50,000 int-keyed inserts, 4 reads of each key,
-- and removal of every other key; prints the size and a checksum.
local KEYS = 50000

local m = {}
for i = 0, KEYS - 1 do
  m[i * 31] = i
end
local sum = 0
for round = 0, 3 do
  for i = 0, KEYS - 1 do
    sum = sum + m[i * 31] % 1000 + round
  end
end
local size = KEYS
for i = 0, math.floor(KEYS / 2) - 1 do
  if m[i * 62] ~= nil then size = size - 1 end
  m[i * 62] = nil
end
print(string.format("size = %d, checksum = %d", size, sum))
