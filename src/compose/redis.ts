import { resolve } from "node:path";
import type { ConnectionOptions } from "bullmq";
import type { Config } from "../config/schema.ts";
import type { Logger } from "../ops/logger.ts";
import {
  bullConnection,
  createRedisClient,
  keyPrefix,
  parseRedisUrl,
  type RedisClient,
  type RedisTarget,
} from "../redis/client.ts";
import { type RunningRedis, startRedisServer } from "../redis/server.ts";

export interface ConnectedRedis {
  /** REDIS_URL, or the URL of the redis-server started for this process. */
  url: string;
  /** REDIS_URL parsed once: its nodes, and `display` (the URL without its password) for the start lines. */
  target: RedisTarget;
  /** A client for counters, state and scripts, with auto-pipelining. */
  redis: RedisClient;
  /** What BullMQ's queues and workers connect with. */
  connection: ConnectionOptions;
  /** The key and queue prefix to use: the config's, hash-tagged on a cluster. */
  prefix: string;
  close(): Promise<void>;
}

/**
 * REDIS_URL's Redis or Redis Cluster, or a private redis-server under the data dir; `close` stops
 * what was started.
 */
export async function connectRedis(config: Config, log: Logger): Promise<ConnectedRedis> {
  let server: RunningRedis | undefined;
  let url = config.redisUrl;
  if (url === undefined) {
    server = await startRedisServer({ dir: resolve(config.dataDir, "redis") });
    url = server.url;
  }
  const target = parseRedisUrl(url);
  // Auto-pipelining: the commands of items finishing in one tick share one write (and one read).
  const redis = createRedisClient(target, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  redis.on("error", (error: Error) => log.warn({ err: error.message }, "redis unreachable; reconnecting"));
  const bull = bullConnection(target);
  return {
    url,
    target,
    redis,
    connection: bull.connection,
    prefix: keyPrefix(config.prefix, target),
    close: async () => {
      redis.disconnect();
      bull.close();
      await server?.stop();
    },
  };
}
