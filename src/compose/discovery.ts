import type { Logger } from "../ops/logger.ts";
import { createRedisClient, keyPrefix, parseRedisUrl, type RedisClient, type RedisTarget } from "../redis/client.ts";
import type { Config } from "../config/schema.ts";
import { ToolCatalog } from "../discovery/catalog.ts";
import { EmbeddingRetriever, MemoryVectorCache, RedisVectorCache } from "../discovery/embeddings.ts";
import { LOCAL_EMBEDDING_MODEL, LOCAL_MIN_SIMILARITY, LocalEmbeddings } from "../discovery/local-embeddings.ts";
import { ToolSearch } from "../discovery/search.ts";
import type { McpPool } from "../mcp/pool.ts";
import { openAiClientFromConfig } from "../model/client.ts";

export interface DiscoverySetup {
  catalog: ToolCatalog;
  search: ToolSearch;
  /** Apps that could not be listed. */
  failures: { app: string; error: string }[];
  close(): Promise<void>;
}

/**
 * Catalog + search over a pool, with embedding similarity as features (config.discovery.semantic):
 * the local sentence encoder by default, or the OpenAI-compatible endpoint's embedding model. Vectors
 * are cached in Redis by content when REDIS_URL is set, so a restart embeds nothing twice.
 */
export async function setUpDiscovery(
  config: Config,
  pool: McpPool,
  log: Logger,
  /**
   * The app's Redis, for the vector cache (a started app has one even without REDIS_URL). Without it, a
   * client of its own on REDIS_URL (few retries: a dead Redis costs a cache miss, not a hang), else memory.
   */
  shared?: { redis: RedisClient; prefix: string } | undefined,
): Promise<DiscoverySetup> {
  const catalog = new ToolCatalog();
  const failures = await catalog.follow(pool);
  let semantic = config.discovery.semantic ?? (config.model.embeddingModel !== undefined ? "endpoint" : "local");
  const client = semantic === "endpoint" ? openAiClientFromConfig(config) : undefined;
  if (semantic === "endpoint" && client === undefined) {
    log.warn("CODEMEM_EMBEDDING_MODEL needs OPENAI_API_KEY or OPENAI_BASE_URL; using the local embedding model");
    semantic = "local";
  }
  let redis: RedisClient | undefined;
  let dense: EmbeddingRetriever | undefined;
  const local = semantic === "local" ? new LocalEmbeddings() : undefined;
  let closing = false;
  if (semantic !== "off") {
    const own = shared === undefined && config.redisUrl !== undefined ? parseRedisUrl(config.redisUrl) : undefined;
    redis = own === undefined ? undefined : createRedisClient(own, { maxRetriesPerRequest: 2 });
    // Without Redis the cache only misses and vectors are made again: nothing to report per retry.
    redis?.on("error", () => {});
    const cacheRedis = shared?.redis ?? redis;
    dense = new EmbeddingRetriever({
      api: client?.embeddings ?? (local as LocalEmbeddings),
      model: client !== undefined ? (config.model.embeddingModel as string) : LOCAL_EMBEDDING_MODEL,
      minSimilarity: client !== undefined ? undefined : LOCAL_MIN_SIMILARITY,
      cache:
        cacheRedis !== undefined
          ? new RedisVectorCache(cacheRedis, shared?.prefix ?? keyPrefix(config.prefix, own as RedisTarget))
          : new MemoryVectorCache(),
      onError: (error) => {
        if (!closing) log.warn({ err: (error as Error).message }, "embeddings failed; ranking on words alone");
      },
      // The local model takes over two minutes for 10,000 new tools: rank on words meanwhile.
      waitForUpdates: client !== undefined,
    });
  }
  const search = new ToolSearch({ catalog, dense });
  return {
    catalog,
    search,
    failures,
    close: async () => {
      closing = true;
      search.close();
      await local?.close();
      redis?.disconnect();
    },
  };
}
