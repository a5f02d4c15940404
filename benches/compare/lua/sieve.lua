-- Mirrors benches/programs/sieve.pbs: the sieve of Eratosthenes on 100,000
-- flags, 40 rounds. Index k + 1 holds PBS's index k.
local SIZE = 100000
local ROUNDS = 40

local function sieve(flags)
  local count = 0
  for i = 2, SIZE - 1 do
    if flags[i + 1] then
      count = count + 1
      local k = i + i
      while k < SIZE do
        flags[k + 1] = false
        k = k + i
      end
    end
  end
  return count
end

local total = 0
for r = 1, ROUNDS do
  local flags = {}
  for i = 1, SIZE do
    flags[i] = true
  end
  total = total + sieve(flags)
end
print(string.format("primes = %d", total))
