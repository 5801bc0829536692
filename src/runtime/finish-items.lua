-- Counts items once each, whichever worker process finishes them and however often they are retried;
-- in the same step records their errors, puts done keys into the skill's dedup memory, and completes
-- the run when the last item is in (complete_if_done, from complete-if-done.lua).
-- KEYS: the run's hash, its finished set, its errors list, the dedup memory (the finished set again
-- when the skill keeps none), its first outcomes (a list of "outcome key", at most ITEMS_KEPT).
-- ARGV: now, then (key, outcome, error) per item.
-- Returns 1 (counted) or 0 (counted before) per item, then 2 when this step completed the run, else 1.
local ITEMS_KEPT = 50
local results, counts, errors = {}, {}, false
local listed = redis.call("LLEN", KEYS[5])
for i = 2, #ARGV, 3 do
  local key, outcome, err = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call("SADD", KEYS[2], key) == 1 then
    counts[outcome] = (counts[outcome] or 0) + 1
    if err ~= "" then
      redis.call("LPUSH", KEYS[3], err)
      errors = true
    end
    if outcome == "done" and KEYS[4] ~= KEYS[2] then redis.call("SADD", KEYS[4], key) end
    if listed < ITEMS_KEPT then
      redis.call("RPUSH", KEYS[5], outcome .. " " .. key)
      listed = listed + 1
    end
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
end
for outcome, n in pairs(counts) do redis.call("HINCRBY", KEYS[1], outcome, n) end
if errors then redis.call("LTRIM", KEYS[3], 0, 9) end
results[#results + 1] = complete_if_done(ARGV[1])
return results
