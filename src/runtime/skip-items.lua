-- Counts keys skipped at listing (already in the dedup memory), each once.
-- KEYS: the run's hash, its finished set. ARGV: the keys. Returns how many were new.
local added = redis.call("SADD", KEYS[2], unpack(ARGV))
if added > 0 then redis.call("HINCRBY", KEYS[1], "skipped", added) end
return added
