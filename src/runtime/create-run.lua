-- Creates a run's hash whole, once, and enters it in the runs index: a worker killed halfway can
-- never leave a hash with only some of its fields (a run without its thread, version or start).
-- KEYS[1]: the run's hash; KEYS[2]: the runs sorted set. ARGV: now, run id, then field, value pairs.
-- Returns 1 when this call created it, 0 when it existed.
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call("HSET", KEYS[1], unpack(fields))
redis.call("ZADD", KEYS[2], ARGV[1], ARGV[2])
return 1
