-- Stores the latest state of one logical chat message and returns its new state number.
-- KEYS[1]: the message's hash; KEYS[2]: its thread's post counter.
-- ARGV: thread JSON, message JSON, visibleTo JSON or "", ttl seconds, "post" or "update", kind
-- ("message", or "status": a thread's working line, which has no place in the thread's order).
-- A post creates the message (its place in the thread's order is fixed here, once); an update of a
-- message nobody posted returns 0. A post of an existing key is an update: retried jobs post once.
if redis.call("HEXISTS", KEYS[1], "order") == 0 then
  if ARGV[5] ~= "post" then return 0 end
  local order = 0
  if ARGV[6] ~= "status" then
    order = redis.call("INCR", KEYS[2])
    redis.call("EXPIRE", KEYS[2], ARGV[4])
  end
  redis.call("HSET", KEYS[1], "order", order, "thread", ARGV[1], "visibleTo", ARGV[3], "kind", ARGV[6])
end
redis.call("HSET", KEYS[1], "message", ARGV[2])
local seq = redis.call("HINCRBY", KEYS[1], "seq", 1)
redis.call("EXPIRE", KEYS[1], ARGV[4])
return seq
