import { readFileSync } from "node:fs";
import { z } from "zod";
import { userError } from "../errors.ts";
import { describeZodIssue } from "../zod-issue.ts";
import type { JsonSchema } from "../json-schema.ts";
import { entryFromTool } from "./catalog.ts";
import type { CatalogEntry } from "./types.ts";

const toolLine = z.object({
  id: z.string().min(1),
  app: z.string().min(1),
  name: z.string().min(1),
  title: z.string().optional(),
  description: z.string().default(""),
  parameters: z.record(z.string(), z.unknown()).default({}),
});
const queryLine = z.object({ query: z.string().min(1), relevant: z.array(z.string()).min(1) });

export type EvalQuery = z.infer<typeof queryLine>;

export interface Ranker {
  rank(query: string, k: number): string[] | Promise<string[]>;
}

/** `{"queries","recall@1","recall@5","recall@<k>","ndcg@10","mrr","p50_ms","p99_ms"}`, in that order. */
export type EvalResult = Record<string, number>;

function readJsonl<T>(path: string, schema: z.ZodType<T>, what: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw userError(
      "FILE_UNREADABLE",
      `cannot read ${what} file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  return text
    .split("\n")
    .map((line, index) => ({ line: line.trim(), number: index + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, number }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw userError("EVAL_BAD_FILE", `${path}:${number}: not JSON`);
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw userError("EVAL_BAD_FILE", `${path}:${number}: ${describeZodIssue(parsed.error.issues[0], json)}`);
      return parsed.data;
    });
}

/** tools.jsonl lines → catalog entries (parameters are a JSON Schema object). */
export function readToolsFile(path: string): CatalogEntry[] {
  // A line is built like a connected server's tool with no annotations (neither read-only nor destructive).
  return readJsonl(path, toolLine, "tools").map((tool) =>
    entryFromTool({
      id: tool.id,
      app: tool.app,
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: tool.parameters as JsonSchema,
      annotations: {},
      readOnly: false,
      destructive: false,
    }),
  );
}

export function readQueriesFile(path: string): EvalQuery[] {
  return readJsonl(path, queryLine, "queries");
}

/** recall@1, @5 and @k averaged over queries (share of each query's relevant ids in its top k), nDCG@10, MRR, latency. */
export async function evaluate(ranker: Ranker, queries: readonly EvalQuery[], k = 10): Promise<EvalResult> {
  const depth = Math.max(k, 10);
  const totals = { r1: 0, r5: 0, r10: 0, ndcg: 0, mrr: 0 };
  const latencies: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    const ranked = await ranker.rank(query.query, depth);
    latencies.push(performance.now() - started);
    const relevant = new Set(query.relevant);
    const recallAt = (n: number) => ranked.slice(0, n).filter((id) => relevant.has(id)).length / relevant.size;
    totals.r1 += recallAt(1);
    totals.r5 += recallAt(5);
    totals.r10 += recallAt(k);
    let dcg = 0;
    ranked.slice(0, 10).forEach((id, index) => {
      if (relevant.has(id)) dcg += 1 / Math.log2(index + 2);
    });
    let ideal = 0;
    for (let i = 0; i < Math.min(relevant.size, 10); i++) ideal += 1 / Math.log2(i + 2);
    totals.ndcg += dcg / ideal;
    const first = ranked.findIndex((id) => relevant.has(id));
    totals.mrr += first === -1 ? 0 : 1 / (first + 1);
  }
  const n = Math.max(queries.length, 1);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    queries: queries.length,
    "recall@1": round(totals.r1 / n),
    "recall@5": round(totals.r5 / n),
    [`recall@${k}`]: round(totals.r10 / n),
    "ndcg@10": round(totals.ndcg / n),
    mrr: round(totals.mrr / n),
    p50_ms: round(pct(50)),
    p99_ms: round(pct(99)),
  };
}
