-- Mirrors benches/programs/quicksort.pbs: quicksort of 100,000 pseudo-random
-- integers, 4 rounds. Element k (1-based) holds PBS's element k - 1.
local N = 100000
local ROUNDS = 4
local seed = 42

local function next_random()
  seed = seed * 16807 % 2147483647
  return seed
end

local function sort(a, lo, hi)
  local i, j = lo, hi
  local pivot = a[math.floor((lo + hi) / 2) + 1]
  while i <= j do
    while a[i + 1] < pivot do
      i = i + 1
    end
    while a[j + 1] > pivot do
      j = j - 1
    end
    if i <= j then
      a[i + 1], a[j + 1] = a[j + 1], a[i + 1]
      i = i + 1
      j = j - 1
    end
  end
  if lo < j then
    sort(a, lo, j)
  end
  if i < hi then
    sort(a, i, hi)
  end
end

local check, unsorted = 0, 0
for r = 1, ROUNDS do
  local a = {}
  for i = 1, N do
    a[i] = next_random() % 1000000
  end
  sort(a, 0, N - 1)
  for i = 2, N do
    if a[i - 1] > a[i] then
      unsorted = unsorted + 1
    end
  end
  for i = 0, N / 1000 - 1 do
    check = check + a[i * 1000 + 1]
  end
end
print(string.format("check = %d, unsorted = %d", check, unsorted))
