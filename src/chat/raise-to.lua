-- Raises a counter to ARGV[1] if it is lower (a thread's highest delivered post), keeping it ARGV[2] s.
local v = tonumber(redis.call("GET", KEYS[1]) or "0")
if tonumber(ARGV[1]) > v then redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[2]) end
return 1
