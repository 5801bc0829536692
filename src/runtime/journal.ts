import type { RedisClient } from "../redis/client.ts";
import { JOURNAL_TTL_SECONDS } from "./keys.ts";

/**
 * The results of one item's writes by call number, in a Redis hash. A retried item replays the calls
 * journaled by earlier attempts instead of repeating their effects. The hash is read once per attempt
 * (at its first write, and not at all on a first attempt), and each result is recorded before the
 * skill sees it, so the window in which a killed worker leaves an effect unjournaled is one round trip.
 * A call still in flight when its worker dies cannot be journaled at all: its retry sends it again, and
 * only the call's idempotency key (`_meta`) keeps the server from a second effect.
 */
export class WriteJournal {
  private known: Promise<Map<string, string>> | undefined;

  /** `firstAttempt`: no attempt of this item ever started before, so there is nothing to read. */
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    firstAttempt = false,
  ) {
    if (firstAttempt) this.known = Promise.resolve(new Map());
  }

  /** The journaled result of write `n`, if an earlier attempt made it. */
  async replay(n: number): Promise<{ value: unknown } | undefined> {
    this.known ??= this.redis.hgetall(this.key).then((hash) => new Map(Object.entries(hash)));
    const json = (await this.known).get(String(n));
    return json === undefined ? undefined : { value: JSON.parse(json) as unknown };
  }

  /** Records write `n`'s result (one round trip); throws if Redis did not take it. */
  async record(n: number, value: unknown): Promise<void> {
    const json = JSON.stringify(value ?? null);
    const results = await this.redis
      .multi()
      .hset(this.key, String(n), json)
      .expire(this.key, JOURNAL_TTL_SECONDS)
      .exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
    void this.known?.then((map) => map.set(String(n), json));
  }
}
