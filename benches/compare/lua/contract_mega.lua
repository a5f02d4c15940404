-- Mirrors benches/programs/contract_mega.pbs: 1,000 particles of four classes
-- (particle i of class i % 4), 10,000 frames of p:update() through one call site.
local COUNT = 1000
local FRAMES = 10000

local function class()
  local C = {}
  C.__index = C
  function C.new(x, y, dx, dy)
    return setmetatable({ x = x, y = y, dx = dx, dy = dy }, C)
  end
  function C:update()
    self.x = self.x + self.dx
    self.y = self.y + self.dy
  end
  function C:px() return self.x end
  function C:py() return self.y end
  return C
end

local classes = { class(), class(), class(), class() }

local ps = {}
for i = 0, COUNT - 1 do
  local C = classes[i % 4 + 1]
  ps[#ps + 1] = C.new(i, 2 * i, i % 7 - 3, i % 5 - 2)
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
