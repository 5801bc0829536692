import type { RedisClient } from "../redis/client.ts";
import { RedisScript } from "../redis/script.ts";

/**
 * Returns how long to wait (ms) before a call to the app may go: 0 = go now. A token bucket per app
 * at `rate` calls/s (no bucket when rate is 0), and a pause set by a 429, both in Redis with Redis's own
 * clock, so every worker process shares them.
 */
const ACQUIRE = new RedisScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local paused = tonumber(redis.call("HGET", KEYS[1], "pausedUntil") or "0")
if paused > now then return paused - now end
if rate <= 0 then return 0 end
local tokens = tonumber(redis.call("HGET", KEYS[1], "tokens") or ARGV[1])
local ts = tonumber(redis.call("HGET", KEYS[1], "ts") or now)
tokens = math.min(rate, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) * 1000 / rate) end
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "ts", tostring(now))
redis.call("PEXPIRE", KEYS[1], 600000)
return wait`);

const PAUSE = new RedisScript(`
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ms = now + tonumber(ARGV[1])
local paused = tonumber(redis.call("HGET", KEYS[1], "pausedUntil") or "0")
if until_ms > paused then redis.call("HSET", KEYS[1], "pausedUntil", tostring(until_ms)) end
redis.call("PEXPIRE", KEYS[1], 600000)
return 0`);

/** How long a process trusts the pause state it read for an app without a rate. */
const PAUSE_CHECK_MS = 200;

export class AppLimiter {
  private readonly pauses = new Map<string, { checkedAt: number; until: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** Calls per second per app id; apps not listed are limited only by their 429s. */
    private readonly rates: Readonly<Record<string, number>>,
    /** Counts each wait, by app. */
    private readonly onWait: (app: string) => void = () => {},
  ) {}

  /** Waits until a call to this app may go. */
  async acquire(app: string): Promise<void> {
    const rate = this.rates[app] ?? 0;
    for (;;) {
      // An app without a rate has only 429 pauses to obey; they are read from Redis at most every
      // PAUSE_CHECK_MS (a process learns its own at once), which spares a round trip per call.
      const known = rate > 0 ? undefined : this.pauses.get(app);
      const now = Date.now();
      let wait: number;
      if (known !== undefined && now - known.checkedAt < PAUSE_CHECK_MS) wait = known.until - now;
      else {
        wait = Number(await ACQUIRE.run(this.redis, [this.key(app)], [rate]));
        if (rate <= 0) this.pauses.set(app, { checkedAt: now, until: now + Math.max(wait, 0) });
      }
      if (wait <= 0) return;
      this.onWait(app);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** After a 429: no process calls this app again before `ms` have passed. */
  async pause(app: string, ms: number): Promise<void> {
    const until = Date.now() + Math.max(0, ms);
    const known = this.pauses.get(app);
    if (known === undefined || known.until < until) this.pauses.set(app, { checkedAt: Date.now(), until });
    await PAUSE.run(this.redis, [this.key(app)], [Math.max(0, Math.round(ms))]);
  }

  private key(app: string): string {
    return `${this.prefix}:ratelimit:${app}`;
  }
}
