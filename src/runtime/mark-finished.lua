-- Sets a run's finishedAt and its final status together, once. KEYS[1]: the run's hash.
-- ARGV: now, status. Returns 1 for the caller that did it, else 0.
if redis.call("HSETNX", KEYS[1], "finishedAt", ARGV[1]) == 1 then
  redis.call("HSET", KEYS[1], "status", ARGV[2])
  return 1
end
return 0
