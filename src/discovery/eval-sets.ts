import { basename, join, resolve } from "node:path";
import { userError } from "../errors.ts";
import { bm25Baseline } from "./baseline.ts";
import { ToolCatalog } from "./catalog.ts";
import type { DenseRetriever } from "./dense.ts";
import { EmbeddingRetriever, type VectorCache } from "./embeddings.ts";
import { type EvalQuery, type Ranker, readQueriesFile, readToolsFile } from "./eval.ts";
import { clausesOf } from "./features.ts";
import { LOCAL_EMBEDDING_MODEL, LocalEmbeddings } from "./local-embeddings.ts";
import { ToolSearch } from "./search.ts";
import type { CatalogEntry } from "./types.ts";

/** One evaluation set: a folder with tools.jsonl and queries.jsonl, named after the folder. */
export interface EvalSet {
  name: string;
  tools: CatalogEntry[];
  queries: EvalQuery[];
}

export function readEvalSet(toolsPath: string, queriesPath: string, name?: string): EvalSet {
  const tools = readToolsFile(toolsPath);
  const queries = readQueriesFile(queriesPath);
  const known = new Set(tools.map((tool) => tool.id));
  const missing = queries.flatMap((query) => query.relevant).find((id) => !known.has(id));
  if (missing !== undefined)
    throw userError("EVAL_BAD_FILE", `${queriesPath}: relevant id "${missing}" is not in ${toolsPath}`);
  return { name: name ?? basename(resolve(toolsPath, "..")), tools, queries };
}

/** A set's folder, named after the folder or as given: `mine=path/to/set`. */
export function readEvalSetDir(spec: string): EvalSet {
  const named = /^([\w.-]+)=(.+)$/.exec(spec);
  const dir = named?.[2] ?? spec;
  return readEvalSet(join(dir, "tools.jsonl"), join(dir, "queries.jsonl"), named?.[1] ?? basename(resolve(dir)));
}

/** A ToolSearch over a set's tools, as a connected registry would hold them. */
export function searchOver(tools: readonly CatalogEntry[], dense?: DenseRetriever): ToolSearch {
  const catalog = new ToolCatalog();
  const byApp = new Map<string, CatalogEntry[]>();
  for (const tool of tools) byApp.set(tool.app, [...(byApp.get(tool.app) ?? []), tool]);
  for (const [app, entries] of byApp) catalog.setApp(app, entries);
  return new ToolSearch({ catalog, dense });
}

/** The local embedding model over a set, its tools and queries embedded ahead (cached by content). */
export async function localDenseFor(set: EvalSet, cache?: VectorCache): Promise<EmbeddingRetriever> {
  const dense = new EmbeddingRetriever({
    api: new LocalEmbeddings(),
    model: LOCAL_EMBEDDING_MODEL,
    cache,
    onError: (error) => {
      throw error;
    },
  });
  await dense.update(set.tools, []);
  await dense.warm(
    set.queries.flatMap((query) => {
      const steps = clausesOf(query.query);
      return [query.query, ...(steps.length > 1 ? steps : [])];
    }),
  );
  return dense;
}

/**
 * Our ranker over a set (with embeddings when `dense` is given), as evaluations measure it: without
 * the relevance threshold, since every query here has an answer.
 */
export function oursOver(set: EvalSet, dense?: DenseRetriever): Ranker {
  const search = searchOver(set.tools, dense);
  return {
    rank: async (query, k) => (await search.search({ query, k }, 0)).map((hit) => hit.id),
  };
}

export const bm25Over = (set: EvalSet): Ranker => bm25Baseline(set.tools);
