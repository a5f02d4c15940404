-- Mirrors benches/programs/push_sum.pbs: 10 arrays of 500,000 integers grown
-- one element at a time, each summed.
local N = 500000
local ROUNDS = 10

local total = 0
for r = 0, ROUNDS - 1 do
  local a = {}
  for i = 0, N - 1 do
    a[#a + 1] = i + r
  end
  local sum = 0
  for i = 1, #a do
    sum = sum + a[i]
  end
  total = total + sum
end
print(string.format("total = %d", total))
