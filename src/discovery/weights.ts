import type { FeatureWeights } from "./features.ts";

// Fitted by `npx tsx bench/discovery-fit.ts` on every evaluation set at once (each set weighs the
// same); see bench/data/discovery/README.md for the sets and the per-set figures. Refit after changing
// a feature.

/** Weights without embeddings. */
export const LEXICAL_WEIGHTS: FeatureWeights = {
  bm25: 1.68,
  name_cover: 0.9,
  name_cover_nouns: 1.53,
  query_cover: 1.36,
  clause_best: 2.15,
  clause_name_cover: 1,
};

/** Weights with embeddings (a local model or an OpenAI-compatible endpoint). */
export const HYBRID_WEIGHTS: FeatureWeights = {
  bm25: 1.18,
  name_cover: 0.9,
  name_cover_nouns: 1.45,
  query_cover: 1.01,
  clause_best: 2.2,
  clause_name_cover: 1.06,
  cosine: 2.12,
  cosine_gap: 2.12,
  cosine_rank: 2.37,
};
