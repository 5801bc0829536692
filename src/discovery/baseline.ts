import { Bm25fIndex } from "./bm25f.ts";
import type { Ranker } from "./eval.ts";
import type { CatalogEntry } from "./types.ts";
import { terms } from "./text.ts";

/**
 * Plain Okapi BM25 (k1 1.2, b 0.75) over one field holding app, name, title, description and
 * parameter names and descriptions, with our tokenizer and no boosts: the figure ours is read against.
 */
export function bm25Baseline(entries: readonly CatalogEntry[]): Ranker {
  const index = new Bm25fIndex<"text">({ weights: { text: 1 }, k1: 1.2, b: { text: 0.75 } });
  for (const entry of entries) {
    const params = entry.params.map((p) => `${p.name} ${p.description ?? ""}`).join(" ");
    index.upsert(entry.id, { text: `${entry.app} ${entry.name} ${entry.title ?? ""} ${entry.description} ${params}` });
  }
  return {
    rank(query, k) {
      const weights = new Map<string, number>();
      for (const term of terms(query)) weights.set(term, (weights.get(term) ?? 0) + 1);
      return [...index.score(weights)]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, k)
        .map(([id]) => id);
    },
  };
}
