-- Mirrors benches/programs/permute.pbs: every permutation of 9 elements by
-- recursive swaps, 3 rounds. Index k + 1 holds PBS's index k.
local SIZE = 9
local ROUNDS = 3

local function permute(v, n)
  local count = 1
  if n ~= 0 then
    local n1 = n - 1
    count = count + permute(v, n1)
    for i = n1, 0, -1 do
      local t = v[n1 + 1]
      v[n1 + 1] = v[i + 1]
      v[i + 1] = t
      count = count + permute(v, n1)
      t = v[n1 + 1]
      v[n1 + 1] = v[i + 1]
      v[i + 1] = t
    end
  end
  return count
end

local total = 0
for r = 1, ROUNDS do
  local v = {}
  for i = 1, SIZE do
    v[i] = 0
  end
  total = total + permute(v, SIZE - 1)
end
print(string.format("count = %d", total))
