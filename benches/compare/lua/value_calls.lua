-- Mirrors benches/programs/value_calls.pbs: 10 million calls through a function value that
-- captures nothing.
local add = function(a, b)
  return a + b
end

local acc = 0
for i = 0, 10000000 - 1 do
  acc = add(acc, i)
end
print(string.format("acc = %d", acc))
