-- Mirrors benches/programs/mandelbrot.pbs: total Mandelbrot iterations over a
-- 200 x 200 grid, at most 100 iterations per point.
local SIZE = 200
local MAX_ITER = 100

local total = 0
for py = 0, SIZE - 1 do
  local cy = -1.5 + py * 3.0 / SIZE
  for px = 0, SIZE - 1 do
    local cx = -2.0 + px * 3.0 / SIZE
    local zx, zy = 0.0, 0.0
    local i = 0
    while i < MAX_ITER and zx * zx + zy * zy <= 4.0 do
      local t = zx * zx - zy * zy + cx
      zy = 2.0 * zx * zy + cy
      zx = t
      i = i + 1
    end
    total = total + i
  end
end
print(string.format("iterations = %d", total))
