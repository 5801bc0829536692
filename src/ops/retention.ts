import type { RedisClient } from "../redis/client.ts";
import type { Logger } from "./logger.ts";

/** One thing the retention settings let go of: what it is, which one, and what happens to it. */
export interface Sweep {
  /** "session", "run", "run detail", "console thread", "teams reference", "scheduled run jobs". */
  what: string;
  id: string;
  action: "archive" | "delete";
}

/**
 * A store's part of the retention: what of it is past its lifetime at `now` (milliseconds), gone
 * unless `dryRun`. Every store with state that grows keeps its own (its keys are its own).
 */
export interface Sweeper {
  sweep(now: number, dryRun: boolean): Promise<Sweep[]>;
}

/** Every sweeper in turn; one that fails is logged and the rest still run. */
export async function sweepAll(
  sweepers: readonly Sweeper[],
  options: { now?: number | undefined; dryRun?: boolean | undefined; log?: Logger | undefined } = {},
): Promise<Sweep[]> {
  const now = options.now ?? Date.now();
  const swept: Sweep[] = [];
  for (const sweeper of sweepers) {
    try {
      swept.push(...(await sweeper.sweep(now, options.dryRun === true)));
    } catch (error) {
      options.log?.error({ err: (error as Error).message }, "a retention sweep failed");
    }
  }
  return swept;
}

/**
 * The retention of a store that keeps a sorted set of its entries by last use: entries unused for
 * `days` (in `dayMs` days) go, `drop` deleting each one's own keys before it leaves the index.
 */
export function indexSweeper(options: {
  redis: Pick<RedisClient, "zrangebyscore" | "zrem">;
  index: string;
  days: number;
  dayMs: number;
  what: string;
  drop(id: string): Promise<unknown>;
}): Sweeper {
  return {
    sweep: async (now, dryRun) => {
      const old = await options.redis.zrangebyscore(options.index, "-inf", now - options.days * options.dayMs);
      if (!dryRun) {
        for (const id of old) {
          await options.drop(id);
          await options.redis.zrem(options.index, id);
        }
      }
      return old.map((id) => ({ what: options.what, id, action: "delete" as const }));
    },
  };
}
