import { existsSync } from "node:fs";
import { join } from "node:path";
import { EmbeddingRetriever } from "../src/discovery/embeddings.ts";
import { LOCAL_EMBEDDING_MODEL, LocalEmbeddings } from "../src/discovery/local-embeddings.ts";
import { ToolSearch } from "../src/discovery/search.ts";
import { FileVectorCache } from "../src/discovery/vector-file.ts";
import { REPO } from "./discovery-sets.ts";
import { percentile, round } from "./stats.ts";
import { BENCH_QUERIES, syntheticCatalog } from "./synthetic-tools.ts";

const ROUNDS = 20;

/** Index build time and query latency over 10,000 and 100,000 tools, one JSON line per size. */
export async function benchDiscovery(): Promise<void> {
  for (const size of [10_000, 100_000]) {
    const { catalog } = syntheticCatalog(size);
    const started = performance.now();
    const search = new ToolSearch({ catalog });
    const buildMs = performance.now() - started;
    for (const query of BENCH_QUERIES) search.searchLexical({ query, k: 5 });
    const samples: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of BENCH_QUERIES) {
        const t0 = performance.now();
        search.searchLexical({ query, k: 5 });
        samples.push(performance.now() - t0);
      }
    }
    process.stdout.write(
      `${JSON.stringify({ bench: "discovery", tools: catalog.size, build_ms: round(buildMs, 1), p50_ms: round(percentile(samples, 50), 3), p99_ms: round(percentile(samples, 99), 3), queries: samples.length })}\n`,
    );
    search.close();
  }
}

/**
 * The same over 10,000 tools with the local embedding model (CODEMEM_SEMANTIC=local): embedding time
 * (vectors are read from .codemem/cache after the first run), the process's memory with the
 * model loaded, and the search latency with the query and its steps embedded fresh each time.
 */
export async function benchDiscoverySemantic(): Promise<void> {
  const { catalog } = syntheticCatalog(10_000);
  const path = join(REPO, ".codemem", "cache", "synthetic-10k.bin");
  const file = new FileVectorCache(path);
  // A first run embeds every tool; later runs read the vectors back ("first_run": false).
  const firstRun = !existsSync(path);
  const api = new LocalEmbeddings();
  const rssBefore = process.memoryUsage().rss;
  const dense = new EmbeddingRetriever({ api, model: LOCAL_EMBEDDING_MODEL, cache: file });
  const started = performance.now();
  const search = new ToolSearch({ catalog, dense });
  await dense.update([], []);
  const embedMs = performance.now() - started;
  // Each query is new text (as in a chat), never found in the cache.
  const run = Date.now().toString(36);
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const query of BENCH_QUERIES) {
      const t0 = performance.now();
      await search.search({ query: `${query} (${run}${round})`, k: 5 });
      samples.push(performance.now() - t0);
    }
  }
  process.stdout.write(
    `${JSON.stringify({ bench: "discovery", tools: catalog.size, semantic: "local", embed_ms: round(embedMs, 0), first_run: firstRun, p50_ms: round(percentile(samples, 50), 2), p99_ms: round(percentile(samples, 99), 2), rss_mb_added: Math.round((process.memoryUsage().rss - rssBefore) / 1e6), queries: samples.length })}\n`,
  );
  search.close();
  await api.close();
}
