-- Mirrors benches/programs/nbody.pbs (the benchmark game's n-body, after its
-- Lua program): 5 bodies, 200,000 steps of dt = 0.01. Energies are printed
-- scaled by 1e9 and truncated toward zero, like PBS `float as int`.
-- Every float operation is done in the same order as in the PBS version, so
-- the results are bit-identical.
local sqrt = math.sqrt
local PI = 3.141592653589793
local SOLAR_MASS = 4.0 * PI * PI
local DAYS_PER_YEAR = 365.24
local STEPS = 200000

local function make_bodies()
  return {
    -- Sun
    { x = 0.0, y = 0.0, z = 0.0, vx = 0.0, vy = 0.0, vz = 0.0, mass = SOLAR_MASS },
    -- Jupiter
    {
      x = 4.84143144246472090,
      y = -1.16032004402742839,
      z = -1.03622044471123109e-1,
      vx = 1.66007664274403694e-3 * DAYS_PER_YEAR,
      vy = 7.69901118419740425e-3 * DAYS_PER_YEAR,
      vz = -6.90460016972063023e-5 * DAYS_PER_YEAR,
      mass = 9.54791938424326609e-4 * SOLAR_MASS,
    },
    -- Saturn
    {
      x = 8.34336671824457987,
      y = 4.12479856412430479,
      z = -4.03523417114321381e-1,
      vx = -2.76742510726862411e-3 * DAYS_PER_YEAR,
      vy = 4.99852801234917238e-3 * DAYS_PER_YEAR,
      vz = 2.30417297573763929e-5 * DAYS_PER_YEAR,
      mass = 2.85885980666130812e-4 * SOLAR_MASS,
    },
    -- Uranus
    {
      x = 1.28943695621391310e1,
      y = -1.51111514016986312e1,
      z = -2.23307578892655734e-1,
      vx = 2.96460137564761618e-3 * DAYS_PER_YEAR,
      vy = 2.37847173959480950e-3 * DAYS_PER_YEAR,
      vz = -2.96589568540237556e-5 * DAYS_PER_YEAR,
      mass = 4.36624404335156298e-5 * SOLAR_MASS,
    },
    -- Neptune
    {
      x = 1.53796971148509165e1,
      y = -2.59193146099879641e1,
      z = 1.79258772950371181e-1,
      vx = 2.68067772490389322e-3 * DAYS_PER_YEAR,
      vy = 1.62824170038242295e-3 * DAYS_PER_YEAR,
      vz = -9.51592254519715870e-5 * DAYS_PER_YEAR,
      mass = 5.15138902046611451e-5 * SOLAR_MASS,
    },
  }
end

local function advance(bodies, dt)
  local n = #bodies
  for i = 1, n do
    local bi = bodies[i]
    local bix, biy, biz, bimass = bi.x, bi.y, bi.z, bi.mass
    local bivx, bivy, bivz = bi.vx, bi.vy, bi.vz
    for j = i + 1, n do
      local bj = bodies[j]
      local dx, dy, dz = bix - bj.x, biy - bj.y, biz - bj.z
      local d2 = dx * dx + dy * dy + dz * dz
      local mag = sqrt(d2)
      mag = dt / (mag * d2)
      local bm = bj.mass * mag
      bivx = bivx - dx * bm
      bivy = bivy - dy * bm
      bivz = bivz - dz * bm
      bm = bimass * mag
      bj.vx = bj.vx + dx * bm
      bj.vy = bj.vy + dy * bm
      bj.vz = bj.vz + dz * bm
    end
    bi.vx = bivx
    bi.vy = bivy
    bi.vz = bivz
    bi.x = bix + dt * bivx
    bi.y = biy + dt * bivy
    bi.z = biz + dt * bivz
  end
end

local function energy(bodies)
  local n = #bodies
  local e = 0.0
  for i = 1, n do
    local bi = bodies[i]
    local vx, vy, vz, bim = bi.vx, bi.vy, bi.vz, bi.mass
    e = e + 0.5 * bim * (vx * vx + vy * vy + vz * vz)
    for j = i + 1, n do
      local bj = bodies[j]
      local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
      local distance = sqrt(dx * dx + dy * dy + dz * dz)
      e = e - bim * bj.mass / distance
    end
  end
  return e
end

local function offset_momentum(bodies)
  local px, py, pz = 0.0, 0.0, 0.0
  for i = 1, #bodies do
    local bi = bodies[i]
    local bim = bi.mass
    px = px + bi.vx * bim
    py = py + bi.vy * bim
    pz = pz + bi.vz * bim
  end
  local sun = bodies[1]
  sun.vx = -px / SOLAR_MASS
  sun.vy = -py / SOLAR_MASS
  sun.vz = -pz / SOLAR_MASS
end

-- PBS `float as int`: truncation toward zero.
local function trunc(x)
  if x >= 0 then return math.floor(x) else return math.ceil(x) end
end

local bodies = make_bodies()
offset_momentum(bodies)
print(string.format("energy before * 1e9 = %d", trunc(energy(bodies) * 1000000000.0)))
for s = 1, STEPS do
  advance(bodies, 0.01)
end
print(string.format("energy after * 1e9 = %d", trunc(energy(bodies) * 1000000000.0)))
