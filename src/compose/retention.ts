import type { Config } from "../config/schema.ts";
import type { Logger } from "../ops/logger.ts";
import { type Sweep, type Sweeper, sweepAll } from "../ops/retention.ts";
import type { RedisClient } from "../redis/client.ts";
import { tryLock, unlock } from "../redis/lock.ts";
import type { Composition } from "./composition.ts";

/** What the platforms keep (console threads, Teams references), swept by their own stores. */
export type PlatformSweepers = (redis: RedisClient, prefix: string, retention: Config["retention"]) => Sweeper[];

/** How often a serving process applies the retention (one process at a time, under a lock): hourly, in its days. */
export const sweepIntervalMs = (retention: Config["retention"]): number => retention.dayMs / 24;

/** Every sweeper of the retention: sessions, runs and their jobs, and the platforms'. */
export async function retentionSweepers(core: Composition, platforms?: PlatformSweepers): Promise<Sweeper[]> {
  const retention = core.config.retention;
  const [{ redis, prefix }, sessions, runtime] = await Promise.all([core.redis(), core.sessions(), core.runtime()]);
  return [sessions.sweeper(retention), runtime.sweeper(retention), ...(platforms?.(redis, prefix, retention) ?? [])];
}

/** Sweeps now unless another process is sweeping; what went is logged as counts. */
export async function sweepOnce(
  sweepers: readonly Sweeper[],
  redis: RedisClient,
  prefix: string,
  log: Logger,
  now = Date.now(),
): Promise<Sweep[] | undefined> {
  const lock = await tryLock(redis, `${prefix}:lock:retention`, 10 * 60_000);
  if (lock === undefined) return undefined;
  try {
    const swept = await sweepAll(sweepers, { now, log });
    if (swept.length > 0) log.info(countsOf(swept), "retention applied");
    return swept;
  } finally {
    await unlock(redis, lock);
  }
}

/** What went, as counts by kind and action ("archive session": 3). */
export function countsOf(swept: readonly Sweep[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sweep of swept) {
    const key = `${sweep.action} ${sweep.what}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
