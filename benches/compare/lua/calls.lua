-- Mirrors benches/programs/calls.pbs: 10 million calls of a two-argument function.
local function add(a, b)
  return a + b
end

local acc = 0
for i = 0, 10000000 - 1 do
  acc = add(acc, i)
end
print(string.format("acc = %d", acc))
