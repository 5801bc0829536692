import { Bm25Index } from "./bm25.ts";
import type { Ranker } from "./eval.ts";
import { searchableText } from "./search.ts";
import { terms } from "./text.ts";
import type { CatalogEntry } from "./types.ts";

/**
 * Plain Okapi BM25 (k1 1.2, b 0.75) over one field holding app, name, title, description and
 * parameter names and descriptions, with our tokenizer and no boosts: the figure ours is read against.
 */
export function bm25Baseline(entries: readonly CatalogEntry[]): Ranker {
  const index = new Bm25Index({ k1: 1.2, b: 0.75 });
  for (const entry of entries) index.upsert(entry.id, searchableText(entry));
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
