-- Mirrors benches/programs/floats.pbs: midpoint Riemann sum of sin(x) over
-- [0, 1] with 10 million steps, printed scaled by 1e6 and truncated.
local sin = math.sin
local STEPS = 10000000

local h = 1.0 / STEPS
local sum = 0.0
for i = 0, STEPS - 1 do
  local x = (i + 0.5) * h
  sum = sum + sin(x)
end
local integral = sum * h
local scaled = integral * 1000000.0
-- `float as int` in PBS truncates toward zero.
if scaled >= 0 then scaled = math.floor(scaled) else scaled = math.ceil(scaled) end
print(string.format("integral * 1e6 = %d", scaled))
