-- Mirrors benches/programs/bounce.pbs: 100 bouncing balls, 50 steps, 400
-- rounds, counting the bounces.
local BALLS = 100
local STEPS = 50
local ROUNDS = 400
local LIMIT = 500
local seed = 74755

local function next_random()
  seed = seed * 16807 % 2147483647
  return seed
end

local Ball = {}
Ball.__index = Ball

function Ball:bounce()
  local bounced = false
  self.x = self.x + self.vx
  self.y = self.y + self.vy
  if self.x > LIMIT then
    self.x = LIMIT
    self.vx = 0 - math.abs(self.vx)
    bounced = true
  end
  if self.x < 0 then
    self.x = 0
    self.vx = math.abs(self.vx)
    bounced = true
  end
  if self.y > LIMIT then
    self.y = LIMIT
    self.vy = 0 - math.abs(self.vy)
    bounced = true
  end
  if self.y < 0 then
    self.y = 0
    self.vy = math.abs(self.vy)
    bounced = true
  end
  return bounced
end

local bounces = 0
for r = 1, ROUNDS do
  local balls = {}
  for i = 1, BALLS do
    local x = next_random() % LIMIT
    local y = next_random() % LIMIT
    local vx = next_random() % 300 - 150
    local vy = next_random() % 300 - 150
    balls[#balls + 1] = setmetatable({ x = x, y = y, vx = vx, vy = vy }, Ball)
  end
  for s = 1, STEPS do
    for i = 1, BALLS do
      if balls[i]:bounce() then
        bounces = bounces + 1
      end
    end
  end
end
print(string.format("bounces = %d", bounces))
