-- Releases a lock only if this owner still holds it (it may have expired and been taken since).
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
