-- Mirrors benches/programs/map_words.pbs: 400,000 string-keyed reads and writes of a
-- table of 20 words; prints the number of keys and a checksum of the counts.
local ROUNDS = 400000

local words = {}
for w in string.gmatch("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon", "%S+") do
  words[#words + 1] = w
end
local counts = {}
for _, w in ipairs(words) do
  counts[w] = 0
end
local n = #words
for i = 0, ROUNDS - 1 do
  local w = words[i % n + 1]
  counts[w] = counts[w] + i % 7
end
local sum, keys = 0, 0
for _, w in ipairs(words) do
  sum = sum + counts[w] * #w
  keys = keys + 1
end
print(string.format("keys = %d, checksum = %d", keys, sum))
