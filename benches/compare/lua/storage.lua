-- Mirrors benches/programs/storage.pbs: a tree of tables of depth 6 with 4
-- children per inner node and an array in every leaf, 400 rounds.
local DEPTH = 6
local ROUNDS = 400
local seed = 74755

local function next_random()
  seed = seed * 16807 % 2147483647
  return seed
end

local function build(depth)
  if depth == 1 then
    local data = {}
    for i = 1, next_random() % 10 + 1 do
      data[i] = 0
    end
    return { kids = {}, data = data }
  end
  local kids = {}
  for i = 1, 4 do
    kids[#kids + 1] = build(depth - 1)
  end
  return { kids = kids, data = {} }
end

local function count(t)
  local n = 1 + #t.data
  for i = 1, #t.kids do
    n = n + count(t.kids[i])
  end
  return n
end

local total = 0
for r = 1, ROUNDS do
  total = total + count(build(DEPTH))
end
print(string.format("count = %d", total))
