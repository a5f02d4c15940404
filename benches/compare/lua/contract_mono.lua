-- Mirrors benches/programs/contract_mono.pbs: 1,000 particles of one class,
-- 10,000 frames of p:update() through the class's metatable.
local COUNT = 1000
local FRAMES = 10000

local P = {}
P.__index = P

function P.new(x, y, dx, dy)
  return setmetatable({ x = x, y = y, dx = dx, dy = dy }, P)
end

function P:update()
  self.x = self.x + self.dx
  self.y = self.y + self.dy
end

function P:px() return self.x end
function P:py() return self.y end

local ps = {}
for i = 0, COUNT - 1 do
  ps[#ps + 1] = P.new(i, 2 * i, i % 7 - 3, i % 5 - 2)
end
for f = 1, FRAMES do
  for i = 1, COUNT do
    ps[i]:update()
  end
end
local sx, sy = 0, 0
for i = 1, COUNT do
  sx = sx + ps[i]:px()
  sy = sy + ps[i]:py()
end
print(string.format("x = %d, y = %d", sx, sy))
