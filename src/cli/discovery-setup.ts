import { Redis } from "ioredis";
import type { Config } from "../config.ts";
import { ToolCatalog } from "../discovery/catalog.ts";
import { EmbeddingRetriever, MemoryVectorCache, RedisVectorCache } from "../discovery/embeddings.ts";
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
 * Catalog + search over a pool. With CODEMEM_EMBEDDING_MODEL and an OpenAI-compatible endpoint,
 * dense retrieval is fused in, its vectors cached in Redis when REDIS_URL is set.
 */
export async function setUpDiscovery(
  config: Config,
  pool: McpPool,
  log: (line: string) => void,
): Promise<DiscoverySetup> {
  const catalog = new ToolCatalog();
  const failures = await catalog.follow(pool);
  const client = config.model.embeddingModel !== undefined ? openAiClientFromConfig(config) : undefined;
  let redis: Redis | undefined;
  let dense: EmbeddingRetriever | undefined;
  if (client !== undefined && config.model.embeddingModel !== undefined) {
    redis = config.redisUrl !== undefined ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : undefined;
    dense = new EmbeddingRetriever({
      api: client.embeddings,
      model: config.model.embeddingModel,
      cache: redis !== undefined ? new RedisVectorCache(redis) : new MemoryVectorCache(),
      onError: (error) => log(`embeddings failed, using lexical search only: ${(error as Error).message}`),
    });
  }
  const search = new ToolSearch({ catalog, dense });
  return {
    catalog,
    search,
    failures,
    close: async () => {
      search.close();
      redis?.disconnect();
    },
  };
}
