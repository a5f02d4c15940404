-- Mirrors benches/programs/fib.pbs: recursive fib(32).
local function fib(n)
  if n < 2 then
    return n
  end
  return fib(n - 1) + fib(n - 2)
end

print(string.format("fib(32) = %d", fib(32)))
