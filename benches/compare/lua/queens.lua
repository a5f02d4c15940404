-- Mirrors benches/programs/queens.pbs: all 92 solutions of the eight queens
-- by backtracking, 600 rounds. Index k + 1 holds PBS's index k.
local ROUNDS = 600

local function fill(n, v)
  local t = {}
  for i = 1, n do
    t[i] = v
  end
  return t
end

local Board = {}
Board.__index = Board

function Board:place(c)
  local found = 0
  for r = 0, 7 do
    if self.free_rows[r + 1] and self.free_max[c + r + 1] and self.free_min[c - r + 8] then
      self.queen_rows[r + 1] = c
      self.free_rows[r + 1] = false
      self.free_max[c + r + 1] = false
      self.free_min[c - r + 8] = false
      if c == 7 then
        found = found + 1
      else
        found = found + self:place(c + 1)
      end
      self.free_rows[r + 1] = true
      self.free_max[c + r + 1] = true
      self.free_min[c - r + 8] = true
    end
  end
  return found
end

local total = 0
for i = 1, ROUNDS do
  local b = setmetatable({ free_rows = fill(8, true), free_max = fill(16, true),
    free_min = fill(16, true), queen_rows = fill(8, -1) }, Board)
  total = total + b:place(0)
end
print(string.format("solutions = %d", total))
