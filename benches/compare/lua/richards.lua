-- Mirrors benches/programs/richards.pbs: the Richards scheduler simulation, each task kind a
-- class whose run method the scheduler calls through one call site; 100 runs with an idle
-- count of 1,000. The state bits and the idle task's shift and exclusive or are written
-- with arithmetic, which PUC Lua 5.4 and LuaJIT both read (LuaJIT has no bitwise operators).
local COUNT = 1000
local ITERATIONS = 100

local ID_IDLE, ID_WORKER, ID_HANDLER_A, ID_HANDLER_B, ID_DEVICE_A, ID_DEVICE_B = 0, 1, 2, 3, 4, 5
local KIND_DEVICE, KIND_WORK = 0, 1
local DATA_SIZE = 4

local STATE_RUNNING = 0
local STATE_RUNNABLE = 1
local STATE_SUSPENDED = 2
local STATE_SUSPENDED_RUNNABLE = 3
local STATE_HELD = 4

-- Whether bit `bit` (a power of two) is set in `state`, and `state` with it set or cleared.
local function has(state, bit) return state % (bit * 2) >= bit end
local function set(state, bit) if has(state, bit) then return state end return state + bit end
local function clear(state, bit) if has(state, bit) then return state - bit end return state end

-- The exclusive or of two 16-bit values.
local function xor16(a, b)
  local r, p = 0, 1
  for _ = 1, 16 do
    local x, y = a % 2, b % 2
    if x ~= y then r = r + p end
    a, b, p = (a - x) / 2, (b - y) / 2, p * 2
  end
  return r
end

local function class()
  local c = {}
  c.__index = c
  return c
end

local Packet = class()

local function packet(link, id, kind)
  return setmetatable({ link = link, id = id, kind = kind, a1 = 0, a2 = { 0, 0, 0, 0 } }, Packet)
end

function Packet:add_to(queue)
  self.link = nil
  if queue == nil then
    return self
  end
  local peek = queue
  local next = peek.link
  while next ~= nil do
    peek = next
    next = peek.link
  end
  peek.link = self
  return queue
end

local Tcb = class()

function Tcb:set_running() self.state = STATE_RUNNING end
function Tcb:mark_as_not_held() self.state = clear(self.state, STATE_HELD) end
function Tcb:mark_as_held() self.state = set(self.state, STATE_HELD) end
function Tcb:mark_as_suspended() self.state = set(self.state, STATE_SUSPENDED) end
function Tcb:mark_as_runnable() self.state = set(self.state, STATE_RUNNABLE) end
function Tcb:is_held_or_suspended()
  return has(self.state, STATE_HELD) or self.state == STATE_SUSPENDED
end

function Tcb:run(s)
  local p = nil
  if self.state == STATE_SUSPENDED_RUNNABLE then
    p = self.queue
    self.queue = p.link
    if self.queue == nil then
      self.state = STATE_RUNNING
    else
      self.state = STATE_RUNNABLE
    end
  end
  return self.task:run(s, p)
end

function Tcb:check_priority_add(sender, p)
  if self.queue == nil then
    self.queue = p
    self:mark_as_runnable()
    if self.priority > sender.priority then
      return self
    end
  else
    self.queue = p:add_to(self.queue)
  end
  return sender
end

local Sched = class()

function Sched:add_task(id, priority, queue, task)
  local state = STATE_SUSPENDED
  if queue ~= nil then
    state = STATE_SUSPENDED_RUNNABLE
  end
  local t = setmetatable(
    { link = self.list, id = id, priority = priority, queue = queue, task = task, state = state },
    Tcb
  )
  self.current = t
  self.list = t
  self.blocks[id + 1] = t
end

function Sched:add_running_task(id, priority, queue, task)
  self:add_task(id, priority, queue, task)
  self.current:set_running()
end

function Sched:schedule()
  self.current = self.list
  while self.current ~= nil do
    local t = self.current
    if t:is_held_or_suspended() then
      self.current = t.link
    else
      self.current_id = t.id
      self.current = t:run(self)
    end
  end
end

function Sched:release(id)
  local t = self.blocks[id + 1]
  if t == nil then
    return nil
  end
  t:mark_as_not_held()
  if t.priority > self.current.priority then
    return t
  end
  return self.current
end

function Sched:hold_current()
  self.hold_count = self.hold_count + 1
  self.current:mark_as_held()
  return self.current.link
end

function Sched:suspend_current()
  self.current:mark_as_suspended()
  return self.current
end

function Sched:queue(p)
  local t = self.blocks[p.id + 1]
  if t == nil then
    return nil
  end
  self.queue_count = self.queue_count + 1
  p.link = nil
  p.id = self.current_id
  return t:check_priority_add(self.current, p)
end

local IdleTask = class()

function IdleTask:run(s, p)
  self.count = self.count - 1
  if self.count == 0 then
    return s:hold_current()
  end
  local low = self.v1 % 2
  if low == 0 then
    self.v1 = self.v1 / 2
    return s:release(ID_DEVICE_A)
  end
  self.v1 = xor16((self.v1 - low) / 2, 0xD008)
  return s:release(ID_DEVICE_B)
end

local DeviceTask = class()

function DeviceTask:run(s, p)
  if p ~= nil then
    self.pending = p
    return s:hold_current()
  end
  local v = self.pending
  if v ~= nil then
    self.pending = nil
    return s:queue(v)
  end
  return s:suspend_current()
end

local WorkerTask = class()

function WorkerTask:run(s, p)
  if p == nil then
    return s:suspend_current()
  end
  if self.destination == ID_HANDLER_A then
    self.destination = ID_HANDLER_B
  else
    self.destination = ID_HANDLER_A
  end
  p.id = self.destination
  p.a1 = 0
  for i = 1, DATA_SIZE do
    self.count = self.count + 1
    if self.count > 26 then
      self.count = 1
    end
    p.a2[i] = self.count
  end
  return s:queue(p)
end

local HandlerTask = class()

function HandlerTask:run(s, p)
  if p ~= nil then
    if p.kind == KIND_WORK then
      self.work = p:add_to(self.work)
    else
      self.devices = p:add_to(self.devices)
    end
  end
  local work = self.work
  if work ~= nil then
    local count = work.a1
    if count < DATA_SIZE then
      local device = self.devices
      if device ~= nil then
        self.devices = device.link
        device.a1 = work.a2[count + 1]
        work.a1 = count + 1
        return s:queue(device)
      end
    else
      self.work = work.link
      return s:queue(work)
    end
  end
  return s:suspend_current()
end

local function run_once()
  local s = setmetatable(
    { queue_count = 0, hold_count = 0, blocks = {}, list = nil, current = nil, current_id = 0 },
    Sched
  )
  s:add_running_task(ID_IDLE, 0, nil, setmetatable({ v1 = 1, count = COUNT }, IdleTask))
  local q = packet(nil, ID_WORKER, KIND_WORK)
  q = packet(q, ID_WORKER, KIND_WORK)
  s:add_task(ID_WORKER, 1000, q, setmetatable({ destination = ID_HANDLER_A, count = 0 }, WorkerTask))
  q = packet(nil, ID_DEVICE_A, KIND_DEVICE)
  q = packet(q, ID_DEVICE_A, KIND_DEVICE)
  q = packet(q, ID_DEVICE_A, KIND_DEVICE)
  s:add_task(ID_HANDLER_A, 2000, q, setmetatable({}, HandlerTask))
  q = packet(nil, ID_DEVICE_B, KIND_DEVICE)
  q = packet(q, ID_DEVICE_B, KIND_DEVICE)
  q = packet(q, ID_DEVICE_B, KIND_DEVICE)
  s:add_task(ID_HANDLER_B, 3000, q, setmetatable({}, HandlerTask))
  s:add_task(ID_DEVICE_A, 4000, nil, setmetatable({}, DeviceTask))
  s:add_task(ID_DEVICE_B, 5000, nil, setmetatable({}, DeviceTask))
  s:schedule()
  return s
end

local queued, held = 0, 0
for _ = 1, ITERATIONS do
  local s = run_once()
  assert(s.queue_count == 2322 and s.hold_count == 928, "one run queues 2322 packets and holds 928 times")
  queued = queued + s.queue_count
  held = held + s.hold_count
end
print(string.format("queued = %d, held = %d", queued, held))
