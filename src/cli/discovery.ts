import { join } from "node:path";
import { parseArgs } from "node:util";
import type { EvalResult } from "../discovery/eval.ts";
import { evaluate } from "../discovery/eval.ts";
import {
  bm25Over,
  type EvalSet,
  localDenseFor,
  oursOver,
  readEvalSet,
  readEvalSetDir,
} from "../discovery/eval-sets.ts";
import { FileVectorCache } from "../discovery/vector-file.ts";
import { userError } from "../errors.ts";
import type { CliIo } from "./io.ts";

export const DISCOVERY_USAGE =
  "usage: codemem discovery eval (--set DIR … | --tools tools.jsonl --queries queries.jsonl) [--k 10] " +
  "[--baseline bm25] [--semantic local]";

/**
 * `codemem discovery eval`: indexes each set's tools directly (no MCP) and prints one JSON line of
 * retrieval figures per set, and one for the mean when there are several: for our ranker (with the
 * local embedding model when --semantic local) or, with --baseline bm25, for plain BM25 on the same
 * tokenizer and text.
 */
export async function discoveryCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "eval") throw userError("USAGE", DISCOVERY_USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      set: { type: "string", multiple: true },
      tools: { type: "string" },
      queries: { type: "string" },
      k: { type: "string" },
      baseline: { type: "string" },
      semantic: { type: "string" },
    },
  });
  const single = values.tools !== undefined && values.queries !== undefined;
  if (!single && (values.set ?? []).length === 0) throw userError("USAGE", DISCOVERY_USAGE);
  const k = values.k === undefined ? 10 : Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000)
    throw userError("USAGE", `--k must be a whole number from 1 to 1000 (got ${values.k})`);
  if (values.baseline !== undefined && values.baseline !== "bm25")
    throw userError("USAGE", `--baseline takes "bm25" (got "${values.baseline}")`);
  if (values.semantic !== undefined && values.semantic !== "local" && values.semantic !== "off")
    throw userError("USAGE", `--semantic takes "local" or "off" (got "${values.semantic}")`);

  const sets: EvalSet[] = (values.set ?? []).map(readEvalSetDir);
  if (single) sets.unshift(readEvalSet(values.tools as string, values.queries as string));
  const ranker = values.baseline ?? (values.semantic === "local" ? "codemem+local" : "codemem");
  // Vectors of the local model are kept between runs: embedding a set takes minutes, reading it a second.
  const cache = new FileVectorCache(join(io.config().dataDir, "cache", "vectors.bin"));
  const results: EvalResult[] = [];
  for (const set of sets) {
    const started = performance.now();
    const dense =
      values.semantic === "local" && values.baseline === undefined ? await localDenseFor(set, cache) : undefined;
    const chosen = values.baseline === "bm25" ? bm25Over(set) : oursOver(set, dense);
    const buildMs = Math.round((performance.now() - started) * 10) / 10;
    const result = await evaluate(chosen, set.queries, k);
    results.push(result);
    io.out(JSON.stringify({ ...result, set: set.name, ranker, tools: set.tools.length, build_ms: buildMs }));
  }
  if (results.length > 1) io.out(JSON.stringify({ ...meanOf(results), set: "mean", ranker }));
  return 0;
}

/** Each figure averaged over the sets (each set counts once, whatever its size). */
export function meanOf(results: readonly EvalResult[]): EvalResult {
  const mean: EvalResult = {};
  for (const key of Object.keys(results[0] ?? {})) {
    const total = results.reduce((sum, result) => sum + (result[key] ?? 0), 0);
    mean[key] = Math.round((total / results.length) * 1000) / 1000;
  }
  return mean;
}
