import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EmbeddingRetriever, RedisVectorCache } from "../../src/discovery/embeddings.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { createOpenAiClient } from "../../src/model/client.ts";
import { startLocalOpenAiServer, type RunningLocalOpenAi } from "../../src/model/local-openai-server.ts";
import { demoCatalog } from "../helpers/catalog.ts";

describe("dense retrieval through an OpenAI-compatible embeddings endpoint", () => {
  let server: RunningLocalOpenAi;
  let redis: Redis;
  const prefix = `testemb${process.pid}x${Date.now()}`;
  beforeAll(async () => {
    server = await startLocalOpenAiServer();
    redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    await server.close();
    redis.disconnect();
  });

  const retriever = (baseUrl = server.baseUrl, onError?: (error: unknown) => void) =>
    new EmbeddingRetriever({
      api: createOpenAiClient({ baseUrl, maxRetries: 0 }).embeddings,
      model: "hash-256",
      cache: new RedisVectorCache(redis, prefix),
      onError,
    });

  it("should fuse dense hits with lexical ones and cache vectors in Redis by content", async () => {
    const catalog = demoCatalog(["gmail", "dropbox", "slack"]);
    const dense = retriever();
    const search = new ToolSearch({ catalog, dense });
    const hits = await search.search({ query: "upload a file to dropbox", k: 3 });
    expect(hits[0]?.id).toBe("dropbox__upload_file");
    const embedded = server.embeddedInputs();
    expect(embedded).toBe(catalog.size + 1);
    expect(await redis.keys(`${prefix}*`)).toHaveLength(catalog.size + 1);

    // A second process (here: a second retriever) finds every tool vector in Redis.
    const again = new ToolSearch({ catalog, dense: retriever() });
    await again.search({ query: "upload a file to dropbox", k: 3 });
    expect(server.embeddedInputs()).toBe(embedded);
  });

  it("should fall back to lexical search when the endpoint fails", async () => {
    const errors: unknown[] = [];
    const catalog = demoCatalog(["gmail"]);
    const search = new ToolSearch({
      catalog,
      dense: retriever("http://127.0.0.1:9/v1", (error) => errors.push(error)),
    });
    const hits = await search.search({ query: "send a message with gmail", k: 2 });
    expect(hits[0]?.id).toBe("gmail__send_message");
    expect(errors.length).toBeGreaterThan(0);
  });
});
