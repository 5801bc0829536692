import type { RedisClient } from "./client.ts";
import { luaScript } from "./script.ts";

const TAKE = luaScript(new URL("./token-bucket.lua", import.meta.url));
const PAUSE = luaScript(new URL("./pause.lua", import.meta.url));

/** How long an idle bucket is kept: after that it starts full again, which an idle bucket would be. */
export const BUCKET_TTL_MS = 600_000;

/** A pace in Redis that every process shares: `rate` calls a second after a `burst`. */
export interface Pace {
  rate: number;
  burst: number;
}

/**
 * Milliseconds to wait before a call may go under `pace` at bucket `key` (0: go now, and a token was
 * taken). A rate of 0 means no bucket: only a pause set by `pauseBucket` holds calls back.
 */
export async function takeToken(redis: RedisClient, key: string, pace: Pace): Promise<number> {
  return Number(await TAKE.run(redis, [key], [pace.rate, pace.burst, BUCKET_TTL_MS]));
}

/** Holds every call of bucket `key` for `ms` from now (a 429's retry-after), unless it is held longer already. */
export async function pauseBucket(redis: RedisClient, key: string, ms: number): Promise<void> {
  await PAUSE.run(redis, [key], [Math.max(0, Math.round(ms)), BUCKET_TTL_MS]);
}
