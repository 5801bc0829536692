-- Counts keys skipped at listing (already in the dedup memory), each once, the first of them among
-- the run's first outcomes (at most ITEMS_KEPT, as finish-items.lua keeps them).
-- KEYS: the run's hash, its finished set, its first outcomes. ARGV: the keys. Returns how many were new.
local ITEMS_KEPT = 50
local added = 0
local listed = redis.call("LLEN", KEYS[3])
for _, key in ipairs(ARGV) do
  if redis.call("SADD", KEYS[2], key) == 1 then
    added = added + 1
    if listed < ITEMS_KEPT then
      redis.call("RPUSH", KEYS[3], "skipped " .. key)
      listed = listed + 1
    end
  end
end
if added > 0 then redis.call("HINCRBY", KEYS[1], "skipped", added) end
return added
