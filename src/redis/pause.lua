-- Pauses a token bucket (token-bucket.lua) for ARGV[1] ms from now, on Redis's clock, unless it is
-- paused longer already: after a 429 no process calls that app again before the time is up.
-- KEYS[1]: the bucket's hash. ARGV: ms, the bucket's lifetime in ms.
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local paused = tonumber(redis.call("HGET", KEYS[1], "pausedUntil") or "0")
if until_ms > paused then redis.call("HSET", KEYS[1], "pausedUntil", tostring(until_ms)) end
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 0
