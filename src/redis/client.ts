import type { ConnectionOptions } from "bullmq";
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { userError } from "../errors.ts";

/** A single Redis or a Redis Cluster: both speak the same commands through ioredis. */
export type RedisClient = Redis | Cluster;

/** Where Redis is, from REDIS_URL: `redis[s]://[user:pass@]host:port[/db]` or `redis[s]+cluster://…,host:port`. */
export interface RedisTarget {
  cluster: boolean;
  nodes: { host: string; port: number }[];
  /** Credentials, database and TLS, the same for every node. */
  options: Pick<RedisOptions, "username" | "password" | "db" | "tls">;
  /** The URL without its password, for logs and the console. */
  display: string;
}

const URL_SHAPE = /^(rediss?)(\+cluster)?:\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/(\d*))?\/?$/;

export function parseRedisUrl(url: string): RedisTarget {
  const match = URL_SHAPE.exec(url);
  if (match === null)
    throw userError(
      "CONFIG_INVALID",
      `REDIS_URL: expected redis://[user:password@]host:port[/db] or redis+cluster://host:port,host:port (rediss for TLS), got "${redact(url)}"`,
    );
  const [, scheme, cluster, auth, hosts = "", db] = match;
  const nodes = hosts.split(",").map((address) => {
    const at = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(address.trim());
    if (at === null) throw userError("CONFIG_INVALID", `REDIS_URL: "${address}" is not host:port`);
    return { host: (at[1] as string).replace(/^\[|\]$/g, ""), port: Number(at[2] ?? 6379) };
  });
  const options: RedisTarget["options"] = {};
  if (auth !== undefined && auth !== "") {
    const colon = auth.indexOf(":");
    const username = colon === -1 ? "" : decodeURIComponent(auth.slice(0, colon));
    const password = decodeURIComponent(colon === -1 ? auth : auth.slice(colon + 1));
    if (username !== "") options.username = username;
    if (password !== "") options.password = password;
  }
  if (db !== undefined && db !== "") {
    if (cluster !== undefined && Number(db) !== 0)
      throw userError("CONFIG_INVALID", "REDIS_URL: a Redis Cluster has only database 0; drop the /db part");
    options.db = Number(db);
  }
  if (scheme === "rediss") options.tls = {};
  if (cluster === undefined && nodes.length > 1)
    throw userError("CONFIG_INVALID", "REDIS_URL: several hosts need redis+cluster:// (a single Redis has one host)");
  return { cluster: cluster !== undefined, nodes, options, display: redact(url) };
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/:]*):[^@/]*@/, "//$1:***@");
}

/**
 * Keys of one app share a hash tag on a cluster, `{codemem}:…`, so every Lua script and MULTI finds
 * its keys in one slot (BullMQ asks the same of its prefix). On a single Redis the prefix stays as it
 * was, so existing keys keep their names.
 */
export function keyPrefix(prefix: string, target: RedisTarget): string {
  return target.cluster && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
}

export interface ClientOptions {
  maxRetriesPerRequest?: number | null;
  enableAutoPipelining?: boolean;
}

export function createRedisClient(target: RedisTarget, options: ClientOptions = {}): RedisClient {
  const { enableAutoPipelining, ...perNode } = options;
  if (!target.cluster) {
    const node = target.nodes[0] as { host: string; port: number };
    return new Redis({ ...node, ...target.options, ...perNode, enableAutoPipelining: enableAutoPipelining ?? false });
  }
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...target.options, ...perNode },
    enableAutoPipelining: enableAutoPipelining ?? false,
  };
  // Under TLS the nodes are reached by the names given, so certificates match (AWS ElastiCache, Azure).
  if (target.options.tls !== undefined) clusterOptions.dnsLookup = (address, callback) => callback(null, address);
  return new Cluster(target.nodes, clusterOptions);
}

/**
 * BullMQ's connection: options for a single Redis (BullMQ opens and closes its own connections), a
 * Cluster client for a cluster, which BullMQ shares and duplicates for blocking reads but never closes:
 * whoever asked for it closes it.
 */
export function bullConnection(target: RedisTarget): { connection: ConnectionOptions; close(): void } {
  if (target.cluster) {
    const client = createRedisClient(target, { maxRetriesPerRequest: null });
    client.on("error", () => {});
    return { connection: client, close: () => client.disconnect() };
  }
  const node = target.nodes[0] as { host: string; port: number };
  return { connection: { ...node, ...target.options, maxRetriesPerRequest: null }, close: () => {} };
}
