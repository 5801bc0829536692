-- Shared by finish-items.lua and check-done.lua: marks the run (KEYS[1], its hash) completed when every
-- listed item is counted and nobody did it yet. Returns 2 then, else 1.
local function complete_if_done(now)
  local v = redis.call("HMGET", KEYS[1], "total", "done", "skipped", "failed", "finishedAt")
  local total = tonumber(v[1] or "-1")
  if total >= 0 and not v[5] and tonumber(v[2] or "0") + tonumber(v[3] or "0") + tonumber(v[4] or "0") >= total then
    redis.call("HSET", KEYS[1], "finishedAt", now, "status", "completed")
    return 2
  end
  return 1
end
