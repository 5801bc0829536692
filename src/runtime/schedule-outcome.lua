-- Counts a schedule's firing once and says whether it pauses the schedule now.
-- KEYS: the schedule's health hash. ARGV: run id, failed (1/0), drift (1/0), error, threshold
-- (0: never pause on failures), now. Returns {failures in a row, 1 when this call pauses it}.
if redis.call("HGET", KEYS[1], "lastRun") == ARGV[1] then
  return {tonumber(redis.call("HGET", KEYS[1], "failures") or "0"), 0}
end
redis.call("HSET", KEYS[1], "lastRun", ARGV[1], "at", ARGV[6])
if ARGV[2] ~= "1" then
  redis.call("HSET", KEYS[1], "failures", 0)
  return {0, 0}
end
local failures = redis.call("HINCRBY", KEYS[1], "failures", 1)
redis.call("HSET", KEYS[1], "lastError", ARGV[4], "lastFailedRun", ARGV[1])
local threshold = tonumber(ARGV[5])
if ARGV[3] == "1" or (threshold > 0 and failures >= threshold) then return {failures, 1} end
return {failures, 0}
