import type { RedisClient } from "../redis/client.ts";
import type { SandboxMemory } from "../sandbox/types.ts";

/**
 * A skill's dedup memory (ctx.memory): the keys of the items it has done, a Redis set (RunKeys.memory).
 * The runtime skips listed keys found here; a done item's key goes in with its count (finish-items.lua).
 */
export class DedupMemory implements SandboxMemory {
  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
  ) {}

  async has(item: string): Promise<boolean> {
    return (await this.redis.sismember(this.key, item)) === 1;
  }

  async add(item: string): Promise<void> {
    await this.redis.sadd(this.key, item);
  }

  /** For each key, whether it is done already: one round trip for a whole listing. */
  async knows(keys: readonly string[]): Promise<boolean[]> {
    if (keys.length === 0) return [];
    return (await this.redis.smismember(this.key, ...keys)).map((known) => known === 1);
  }
}
