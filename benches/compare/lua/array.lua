-- Mirrors benches/programs/array.pbs: one array of 1,000,000 integers,
-- 20 rounds of writing every element and summing them.
-- Element k (1-based) holds the value PBS stores at index k - 1.
local N = 1000000
local ROUNDS = 20

local a = {}
for i = 1, N do
  a[i] = 0
end
local total = 0
for r = 0, ROUNDS - 1 do
  for i = 1, N do
    a[i] = (i - 1) * 3 + r
  end
  local sum = 0
  for i = 1, N do
    sum = sum + a[i]
  end
  total = total + sum
end
print(string.format("total = %d", total))
