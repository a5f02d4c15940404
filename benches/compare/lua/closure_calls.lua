-- Mirrors benches/programs/closure_calls.pbs: 10 million calls of a two-argument closure
-- that captures a local.
local function make_adder(k)
  return function(a, b)
    return a + b + k
  end
end

local add = make_adder(0)
local acc = 0
for i = 0, 10000000 - 1 do
  acc = add(acc, i)
end
print(string.format("acc = %d", acc))
