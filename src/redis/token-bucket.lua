-- A token bucket shared by every process, on Redis's clock: `rate` calls a second, up to `burst` at
-- once; and a pause (`pausedUntil`, set by pause.lua after a 429) that holds every call until it ends.
-- KEYS[1]: the bucket's hash. ARGV: rate (0: no bucket, the pause alone), burst.
-- Returns 0 when a call may go now (and takes a token), else the milliseconds to wait.
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call("HGET", KEYS[1], "pausedUntil") or "0")
if paused > now then return paused - now end
local rate = tonumber(ARGV[1])
if rate <= 0 then return 0 end
local burst = tonumber(ARGV[2])
local tokens = tonumber(redis.call("HGET", KEYS[1], "tokens") or ARGV[2])
local ts = tonumber(redis.call("HGET", KEYS[1], "ts") or now)
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "ts", tostring(now))
redis.call("PEXPIRE", KEYS[1], ARGV[3])
return wait
