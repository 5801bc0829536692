-- A token bucket per channel for posts: `rate` per second, up to `burst` at once, on Redis's clock so
-- every delivering process shares it. Returns 0 when a post may go now (and takes a token), else the
-- milliseconds to wait. KEYS[1]: the bucket; ARGV: rate, burst.
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tokens = tonumber(redis.call("HGET", KEYS[1], "tokens") or ARGV[2])
local ts = tonumber(redis.call("HGET", KEYS[1], "ts") or now)
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "ts", tostring(now))
redis.call("PEXPIRE", KEYS[1], 600000)
return wait
