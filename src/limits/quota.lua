-- A quota shared by every process, on Redis's clock: `capacity` units per `window` milliseconds,
-- refilled continuously. KEYS[1]: the quota's hash. ARGV: capacity, window (ms), cost, mode.
-- Modes: "take" takes `cost` only if that many are left; "charge" takes `cost` whatever is left (model
-- tokens are known after the call, so a quota may go into debt); "peek" takes nothing.
-- Returns {wait, left}: wait is 0 when allowed (take: taken; peek: something left), else the
-- milliseconds until it would be; left is what remains after, as a string.
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local mode = ARGV[4]
local left = tonumber(redis.call("HGET", KEYS[1], "left") or ARGV[1])
local ts = tonumber(redis.call("HGET", KEYS[1], "ts") or now)
left = math.min(capacity, left + (now - ts) * capacity / window)
local wait = 0
if mode == "take" then
  if left >= cost then left = left - cost else wait = math.ceil((cost - left) * window / capacity) end
elseif mode == "charge" then
  left = left - cost
elseif left <= 0 then
  wait = math.ceil((1 - left) * window / capacity)
end
redis.call("HSET", KEYS[1], "left", tostring(left), "ts", tostring(now))
-- Gone once it would be full again (a debt takes longer than one window to pay back).
redis.call("PEXPIRE", KEYS[1], math.ceil((capacity - left) * window / capacity) + 1000)
return {wait, tostring(left)}
