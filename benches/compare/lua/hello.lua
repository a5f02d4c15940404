-- Mirrors examples/hello.pbs (used for the startup-time comparison).
local ANSWER = 6 * 7
local greetings = 0
local name = "PROMETEU"

local function greet(who)
  greetings = greetings + 1
  return "Hello, " .. who .. "!"
end

print("Hello, world!")
print(greet(name))
print(greet("PBS"))
print(string.format("greet() was called %d times", greetings))
print(string.format("the answer is %d, half of it is %d", ANSWER, math.floor(ANSWER / 2)))
print("as a float: " .. tostring(ANSWER / 4.0))
print("is it even? " .. tostring(ANSWER % 2 == 0))
