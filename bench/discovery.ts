import { ToolSearch } from "../src/discovery/search.ts";
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
