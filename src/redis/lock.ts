import { randomUUID } from "node:crypto";
import type { RedisClient } from "./client.ts";
import { luaScript } from "./script.ts";

const UNLOCK = luaScript(new URL("./unlock.lua", import.meta.url));
const RENEW = luaScript(new URL("./renew.lua", import.meta.url));

/** A lock held in Redis: whoever holds `owner` may release it; it frees itself after its time. */
export interface HeldLock {
  key: string;
  owner: string;
}

/** Takes `key` for `ms` when nobody holds it; undefined when somebody does. */
export async function tryLock(redis: RedisClient, key: string, ms: number): Promise<HeldLock | undefined> {
  const owner = randomUUID();
  return (await redis.set(key, owner, "PX", ms, "NX")) === "OK" ? { key, owner } : undefined;
}

/** Releases a lock only if it is still this holder's (it may have expired and been taken since). */
export async function unlock(redis: RedisClient, lock: HeldLock): Promise<void> {
  await UNLOCK.run(redis, [lock.key], [lock.owner]);
}

/** Gives a lock `ms` more from now if it is still this holder's; false when it was lost (expired, taken). */
export async function renewLock(redis: RedisClient, lock: HeldLock, ms: number): Promise<boolean> {
  return Number(await RENEW.run(redis, [lock.key], [lock.owner, ms])) === 1;
}
