-- Mirrors benches/programs/particles.pbs: 2,000 bouncing particles, 1,000
-- steps of p:step(dt) through a metatable.
local COUNT = 2000
local STEPS = 1000
local SIZE = 100.0

local function fmod(a, b)
  return math.fmod(a, b)
end

local function trunc(x)
  if x < 0 then
    return -math.floor(-x)
  end
  return math.floor(x)
end

local Particle = {}
Particle.__index = Particle

function Particle.new(x, y, vx, vy)
  return setmetatable({ x = x, y = y, vx = vx, vy = vy }, Particle)
end

function Particle:step(dt)
  self.vy = self.vy - 9.81 * dt
  self.x = self.x + self.vx * dt
  self.y = self.y + self.vy * dt
  if self.x < 0.0 then
    self.x = -self.x
    self.vx = -self.vx
  elseif self.x > SIZE then
    self.x = 2.0 * SIZE - self.x
    self.vx = -self.vx
  end
  if self.y < 0.0 then
    self.y = -self.y
    self.vy = -self.vy * 0.9
  end
end

function Particle:energy()
  return 0.5 * (self.vx * self.vx + self.vy * self.vy) + 9.81 * self.y
end

local ps = {}
for i = 0, COUNT - 1 do
  local f = i + 0.0
  ps[#ps + 1] = Particle.new(fmod(f, 97.0) + 1.0, fmod(f, 89.0) + 5.0, fmod(f, 13.0) - 6.0, fmod(f, 7.0))
end
for s = 1, STEPS do
  for i = 1, COUNT do
    ps[i]:step(0.01)
  end
end
local sx, sy, e = 0.0, 0.0, 0.0
for i = 1, COUNT do
  sx = sx + ps[i].x
  sy = sy + ps[i].y
  e = e + ps[i]:energy()
end
print(string.format("x = %d, y = %d, e = %d", trunc(sx * 1000.0), trunc(sy * 1000.0), trunc(e)))
