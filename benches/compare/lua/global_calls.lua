-- Mirrors benches/programs/global_calls.pbs: 10 million calls of a function that reads a
-- global as well as its two arguments.
k = 0

local function add(a, b)
  return a + b + k
end

local acc = 0
for i = 0, 10000000 - 1 do
  acc = add(acc, i)
end
print(string.format("acc = %d", acc))
