-- Mirrors benches/programs/binary_trees.pbs (after the benchmark game's
-- binary-trees): 40 complete trees of depth 14 built bottom-up and checked.
-- A node is a table: empty for a leaf, { left, right } for an inner node.
local DEPTH = 14
local ITERATIONS = 40

local function bottom_up(depth)
  if depth == 0 then
    return {}
  end
  return { bottom_up(depth - 1), bottom_up(depth - 1) }
end

local function check(tree)
  if tree[1] == nil then
    return 1
  end
  return 1 + check(tree[1]) + check(tree[2])
end

local total = 0
for i = 1, ITERATIONS do
  total = total + check(bottom_up(DEPTH))
end
print(string.format("%d trees of depth %d, check = %d", ITERATIONS, DEPTH, total))
