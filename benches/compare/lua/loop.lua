-- Mirrors benches/programs/loop.pbs: a tight numeric for loop, 50 million iterations.
-- The sum (1.25e15) is below 2^53, so LuaJIT's doubles hold it exactly.
local sum = 0
for i = 1, 50000000 do
  sum = sum + i
end
print(string.format("sum = %d", sum))
