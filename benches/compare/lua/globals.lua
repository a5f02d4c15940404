-- Mirrors benches/programs/globals.pbs: 20 million read-modify-writes of a
-- global variable, driven by a while loop over a local.
local ITERATIONS = 20000000
counter = 0

local i = 0
while i < ITERATIONS do
  counter = counter + 3
  i = i + 1
end
print(string.format("counter = %d", counter))
