import { join } from "node:path";
import { type EvalQuery, type EvalResult, evaluate, type Ranker } from "../src/discovery/eval.ts";
import { bm25Over, localDenseFor, oursOver, readEvalSetDir } from "../src/discovery/eval-sets.ts";
import { FileVectorCache } from "../src/discovery/vector-file.ts";
import { meanOf } from "../src/cli/discovery.ts";
import { DISCOVERY_SETS, REPO } from "./discovery-sets.ts";

const KEYS = ["recall@1", "recall@5", "recall@10", "ndcg@10", "mrr"] as const;
const pick = (result: EvalResult, keys: readonly string[] = KEYS) =>
  Object.fromEntries(keys.map((key) => [key, result[key] ?? 0]));

/**
 * Retrieval quality on every evaluation set, one JSON line per set and one for the mean: ours (with
 * the local embedding model, as `codemem start` runs by default), ours without embeddings ("lexical"),
 * and plain BM25 over the same text with the same tokenizer; and the recall of the whole set of needed
 * tools on the queries that need several. The first run embeds the sets (minutes); later runs read the
 * vectors from .codemem/cache.
 */
export async function benchDiscoveryQuality(): Promise<void> {
  const cache = new FileVectorCache(join(REPO, ".codemem", "cache", "vectors.bin"));
  const rows: { all: Record<string, EvalResult>; multi: Record<string, EvalResult> }[] = [];
  for (const spec of DISCOVERY_SETS) {
    const set = readEvalSetDir(spec);
    const rankers: Record<string, Ranker> = {
      ours: oursOver(set, await localDenseFor(set, cache)),
      lexical: oursOver(set),
      bm25: bm25Over(set),
    };
    const multi = set.queries.filter((query) => query.relevant.length > 1);
    const measure = async (queries: EvalQuery[]) =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(rankers).map(async ([name, ranker]) => [name, await evaluate(ranker, queries)]),
        ),
      ) as Record<string, EvalResult>;
    const row = { all: await measure(set.queries), multi: await measure(multi) };
    rows.push(row);
    print(set.name, set.queries.length, multi.length, row);
  }
  const mean = (part: "all" | "multi", name: string) => meanOf(rows.map((row) => row[part][name] as EvalResult));
  const names = ["ours", "lexical", "bm25"];
  print(
    "mean",
    rows.reduce((sum, row) => sum + (row.all.ours?.queries ?? 0), 0),
    rows.reduce((sum, row) => sum + (row.multi.ours?.queries ?? 0), 0),
    {
      all: Object.fromEntries(names.map((name) => [name, mean("all", name)])),
      multi: Object.fromEntries(names.map((name) => [name, mean("multi", name)])),
    },
  );
}

function print(
  set: string,
  queries: number,
  multiQueries: number,
  row: { all: Record<string, EvalResult>; multi: Record<string, EvalResult> },
) {
  const line = {
    bench: "discovery-quality",
    set,
    queries,
    ours: pick(row.all.ours as EvalResult),
    bm25: pick(row.all.bm25 as EvalResult),
    lexical: pick(row.all.lexical as EvalResult),
    multi_tool: {
      queries: multiQueries,
      ours: pick(row.multi.ours as EvalResult, ["recall@5", "recall@10"]),
      bm25: pick(row.multi.bm25 as EvalResult, ["recall@5", "recall@10"]),
      lexical: pick(row.multi.lexical as EvalResult, ["recall@5", "recall@10"]),
    },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
