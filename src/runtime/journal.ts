import type { Redis } from "ioredis";

/** How long a journal outlives its run: long enough for any retry or stalled-job recovery. */
const JOURNAL_TTL_SECONDS = 7 * 86_400;

/**
 * The results of one item's writes by call number, in a Redis hash. A retried item replays the calls
 * journaled by earlier attempts instead of repeating their effects. The hash is read once per attempt
 * (at its first write), and results are recorded in the background: the item waits for them only at
 * its end (flush), not before its next call. A crash between a write and its record is covered as
 * before by the call's idempotency key.
 */
export class WriteJournal {
  private known: Promise<Map<string, string>> | undefined;
  private readonly pending: Promise<unknown>[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /** The journaled result of write `n`, if an earlier attempt made it. */
  async replay(n: number): Promise<{ value: unknown } | undefined> {
    this.known ??= this.redis.hgetall(this.key).then((hash) => new Map(Object.entries(hash)));
    const json = (await this.known).get(String(n));
    return json === undefined ? undefined : { value: JSON.parse(json) as unknown };
  }

  record(n: number, value: unknown): void {
    const json = JSON.stringify(value ?? null);
    const written = this.redis.multi().hset(this.key, String(n), json).expire(this.key, JOURNAL_TTL_SECONDS).exec();
    // flush() reports a failure; until then it must not surface as an unhandled rejection.
    written.catch(() => {});
    this.pending.push(written);
    void this.known?.then((map) => map.set(String(n), json));
  }

  /** Waits until every recorded result is in Redis; throws if one could not be written. */
  async flush(): Promise<void> {
    const results = await Promise.all(this.pending.splice(0));
    for (const result of results as ([Error | null, unknown][] | null)[]) {
      const failed = result?.find(([error]) => error !== null);
      if (failed) throw failed[0];
    }
  }
}
