import type { UiMessage } from "../../src/ui/message.ts";
import type { ThreadRef } from "../../src/ui/surface.ts";
import type { ConsoleKeys } from "./keys.ts";
import { CONSOLE_PLATFORM } from "./platform.ts";

export interface ConsoleMessage {
  id: string;
  thread: string;
  author: "bot" | string;
  at: string;
  message: UiMessage;
  /** The one person who sees it (a private notice), by console name. */
  visibleTo?: string | undefined;
}

import type { RedisClient } from "../../src/redis/client.ts";
import { indexSweeper, type Sweeper } from "../../src/ops/retention.ts";

/** Whether `user` sees this message: everyone sees public ones, a private one only its person. */
export const visibleTo = (entry: ConsoleMessage, user: string | undefined): boolean =>
  entry.visibleTo === undefined || entry.visibleTo === user;

/** The part of ioredis the console keeps its threads in. */
export type ConsoleRedis = Pick<
  RedisClient,
  "hset" | "hgetall" | "hget" | "zadd" | "zrange" | "incr" | "zrangebyscore" | "zrem" | "del"
>;

/**
 * Console threads and their messages in Redis, so a restart (or another browser) shows the same
 * conversation with its buttons.
 */
export class ConsoleThreadStore {
  constructor(
    private readonly redis: ConsoleRedis,
    private readonly keys: ConsoleKeys,
  ) {}

  async nextId(): Promise<string> {
    return `m${await this.redis.incr(this.keys.seq())}`;
  }

  async put(entry: ConsoleMessage): Promise<void> {
    await this.redis.hset(this.keys.thread(entry.thread), entry.id, JSON.stringify(entry));
    await this.redis.zadd(this.keys.threads(), Date.now(), entry.thread);
  }

  async get(thread: string, id: string): Promise<ConsoleMessage | undefined> {
    const raw = await this.redis.hget(this.keys.thread(thread), id);
    return raw === null ? undefined : (JSON.parse(raw) as ConsoleMessage);
  }

  /** Threads unchanged for `days` go (the retention's `platformDays`). */
  sweeper(days: number, dayMs: number): Sweeper {
    const { redis, keys } = this;
    return indexSweeper({
      redis,
      index: keys.threads(),
      days,
      dayMs,
      what: "console thread",
      drop: (id) => redis.del(keys.thread(id)),
    });
  }

  async threads(): Promise<{ id: string; messages: ConsoleMessage[] }[]> {
    const ids = await this.redis.zrange(this.keys.threads(), 0, -1);
    return Promise.all(
      ids.map(async (id) => {
        const all = await this.redis.hgetall(this.keys.thread(id));
        const messages = Object.values(all)
          .map((raw) => JSON.parse(raw) as ConsoleMessage)
          .sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
        return { id, messages };
      }),
    );
  }
}

export const consoleThread = (id: string): ThreadRef => ({ platform: CONSOLE_PLATFORM, channel: "local", thread: id });
