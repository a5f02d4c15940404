-- Mirrors benches/programs/list.pbs: linked lists of tables (nil ends a list)
-- and the tail recursion over them, 150 rounds.
local ROUNDS = 150

local function make_list(n)
  if n == 0 then
    return nil
  end
  return { value = n, next = make_list(n - 1) }
end

local function length(list)
  local n = 0
  local at = list
  while at ~= nil do
    n = n + 1
    at = at.next
  end
  return n
end

local function is_shorter_than(x, y)
  local xs, ys = x, y
  while ys ~= nil do
    if xs == nil then
      return true
    end
    xs = xs.next
    ys = ys.next
  end
  return false
end

local function tail(x, y, z)
  if is_shorter_than(y, x) then
    return tail(tail(x.next, y, z), tail(y.next, z, x), tail(z.next, x, y))
  end
  return z
end

local total = 0
for r = 1, ROUNDS do
  total = total + length(tail(make_list(15), make_list(10), make_list(6)))
end
print(string.format("total = %d", total))
