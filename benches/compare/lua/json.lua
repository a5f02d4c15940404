-- Mirrors benches/programs/json.pbs: a recursive-descent parser over the
-- characters of a generated JSON text of 2,000 records, 10 rounds.
local RECORDS = 2000
local ROUNDS = 10

local Parser = {}
Parser.__index = Parser

function Parser:peek()
  return self.text[self.at + 1]
end

function Parser:skip_space()
  while self.text[self.at + 1] == " " do
    self.at = self.at + 1
  end
end

function Parser:expect(c)
  self:skip_space()
  if self.text[self.at + 1] == c then
    self.at = self.at + 1
    return true
  end
  return false
end

local function digit(c)
  local d = string.find("0123456789", c, 1, true)
  if d == nil then
    return -1
  end
  return d - 1
end

function Parser:number()
  local n = 0
  local d = digit(self.text[self.at + 1])
  while d >= 0 do
    n = n * 10 + d
    self.at = self.at + 1
    d = digit(self.text[self.at + 1])
  end
  self.numbers = self.numbers + n
end

function Parser:text_value()
  self.at = self.at + 1
  while self.text[self.at + 1] ~= "\"" do
    self.chars = self.chars + 1
    self.at = self.at + 1
  end
  self.at = self.at + 1
end

function Parser:value()
  self:skip_space()
  self.values = self.values + 1
  local c = self:peek()
  if c == "{" then
    self.at = self.at + 1
    if self:expect("}") then
      return true
    end
    local more = true
    while more do
      self:skip_space()
      self:text_value()
      if not self:expect(":") or not self:value() then
        return false
      end
      more = self:expect(",")
    end
    return self:expect("}")
  elseif c == "[" then
    self.at = self.at + 1
    if self:expect("]") then
      return true
    end
    local more = true
    while more do
      if not self:value() then
        return false
      end
      more = self:expect(",")
    end
    return self:expect("]")
  elseif c == "\"" then
    self:text_value()
    return true
  elseif c == "t" then
    self.at = self.at + 4
    return true
  elseif c == "f" then
    self.at = self.at + 5
    return true
  end
  self:number()
  return true
end

local text = "["
for i = 0, RECORDS - 1 do
  if i > 0 then
    text = text .. ", "
  end
  text = text .. "{\"id\": " .. tostring(i) .. ", \"name\": \"n" .. tostring(i) .. "\", \"tags\": [" .. tostring(i) .. ", "
    .. tostring(i + 1) .. ", " .. tostring(i + 2) .. "], \"ok\": " .. tostring(i % 2 == 0) .. "}"
end
text = text .. "]"
local chars = {}
for i = 1, #text do
  chars[#chars + 1] = text:sub(i, i)
end
chars[#chars + 1] = "$"
local values, numbers, lengths, ok = 0, 0, 0, 0
for r = 1, ROUNDS do
  local p = setmetatable({ text = chars, at = 0, values = 0, numbers = 0, chars = 0 }, Parser)
  if p:value() and p:peek() == "$" then
    ok = ok + 1
  end
  values = values + p.values
  numbers = numbers + p.numbers
  lengths = lengths + p.chars
end
print(string.format("ok = %d, values = %d, numbers = %d, chars = %d", ok, values, numbers, lengths))
