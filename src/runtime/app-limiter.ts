import type { RedisClient } from "../redis/client.ts";
import { pauseBucket, takeToken } from "../redis/token-bucket.ts";
import type { RunKeys } from "./keys.ts";

/** How long a process trusts the pause state it read for an app without a rate. */
const PAUSE_CHECK_MS = 200;

/**
 * Calls per second per app for every worker process, and the pause a 429 asks for: one token bucket per
 * app in Redis (src/redis/token-bucket.lua), holding as many tokens as the app's rate.
 */
export class AppLimiter {
  private readonly pauses = new Map<string, { checkedAt: number; until: number }>();

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RunKeys,
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
        wait = await takeToken(this.redis, this.key(app), { rate, burst: rate });
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
    await pauseBucket(this.redis, this.key(app), ms);
  }

  private key(app: string): string {
    return this.keys.rateLimit(app);
  }
}
