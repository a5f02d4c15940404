-- Mirrors benches/programs/towers.pbs: the towers of Hanoi with three
-- array piles, 18 discs, 4 rounds.
local DISCS = 18
local ROUNDS = 4

local Towers = {}
Towers.__index = Towers

function Towers:push_disc(pile, disc)
  local p = self.piles[pile + 1]
  local n = #p
  if n > 0 and p[n] < disc then
    self.bad = self.bad + 1
  end
  p[n + 1] = disc
end

function Towers:move_top(from, to)
  local p = self.piles[from + 1]
  local n = #p
  local disc = p[n]
  p[n] = nil
  self:push_disc(to, disc)
  self.moves = self.moves + 1
end

function Towers:move_discs(discs, from, to)
  if discs == 1 then
    self:move_top(from, to)
    return
  end
  local other = 3 - from - to
  self:move_discs(discs - 1, from, other)
  self:move_top(from, to)
  self:move_discs(discs - 1, other, to)
end

local moves, bad = 0, 0
for r = 1, ROUNDS do
  local t = setmetatable({ piles = { {}, {}, {} }, moves = 0, bad = 0 }, Towers)
  for d = 0, DISCS - 1 do
    t:push_disc(0, DISCS - d)
  end
  t:move_discs(DISCS, 0, 1)
  moves = moves + t.moves
  bad = bad + t.bad + #t.piles[1] + #t.piles[3]
end
print(string.format("moves = %d, bad = %d", moves, bad))
