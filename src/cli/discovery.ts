import { parseArgs } from "node:util";
import { bm25Baseline } from "../discovery/baseline.ts";
import { ToolCatalog } from "../discovery/catalog.ts";
import { evaluate, readQueriesFile, readToolsFile } from "../discovery/eval.ts";
import { ToolSearch } from "../discovery/search.ts";
import type { CatalogEntry } from "../discovery/types.ts";
import { userError } from "../errors.ts";
import type { CliIo } from "./io.ts";

export const DISCOVERY_USAGE =
  "usage: codemem discovery eval --tools tools.jsonl --queries queries.jsonl [--k 10] [--baseline bm25]";

/**
 * `codemem discovery eval`: indexes a tools file directly (no MCP) and prints one JSON line of
 * retrieval figures, for our ranker or, with --baseline bm25, for plain BM25 on the same tokenizer.
 */
export async function discoveryCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "eval") throw userError("USAGE", DISCOVERY_USAGE);
  const { values } = parseArgs({
    args: rest,
    options: {
      tools: { type: "string" },
      queries: { type: "string" },
      k: { type: "string" },
      baseline: { type: "string" },
    },
  });
  if (values.tools === undefined || values.queries === undefined) throw userError("USAGE", DISCOVERY_USAGE);
  const k = values.k === undefined ? 10 : Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 1000)
    throw userError("USAGE", `--k must be a whole number from 1 to 1000 (got ${values.k})`);
  if (values.baseline !== undefined && values.baseline !== "bm25")
    throw userError("USAGE", `--baseline takes "bm25" (got "${values.baseline}")`);
  const tools = readToolsFile(values.tools);
  const queries = readQueriesFile(values.queries);
  const known = new Set(tools.map((tool) => tool.id));
  const missing = queries.flatMap((query) => query.relevant).find((id) => !known.has(id));
  if (missing !== undefined)
    throw userError("EVAL_BAD_FILE", `${values.queries}: relevant id "${missing}" is not in ${values.tools}`);

  const started = performance.now();
  const ranker = values.baseline === "bm25" ? bm25Baseline(tools) : ourRanker(tools);
  const buildMs = Math.round((performance.now() - started) * 10) / 10;
  const result = evaluate(ranker, queries, k);
  io.out(JSON.stringify({ ...result, ranker: values.baseline ?? "codemem", tools: tools.length, build_ms: buildMs }));
  return 0;
}

function ourRanker(tools: readonly CatalogEntry[]) {
  const catalog = new ToolCatalog();
  const byApp = new Map<string, CatalogEntry[]>();
  for (const tool of tools) byApp.set(tool.app, [...(byApp.get(tool.app) ?? []), tool]);
  for (const [app, entries] of byApp) catalog.setApp(app, entries);
  const search = new ToolSearch({ catalog });
  // Ranking quality is measured without the relevance threshold: every query here has an answer.
  return { rank: (query: string, k: number) => search.searchLexical({ query, k }, 0).map((hit) => hit.id) };
}
