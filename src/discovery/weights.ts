import type { FeatureWeights } from "./features.ts";

// Written by `npx tsx bench/discovery-fit.ts --write`, fitted on every evaluation set at once (each
// set weighs the same; see bench/data/discovery/README.md). Refit after changing a feature.

/** Weights without embeddings. */
export const LEXICAL_WEIGHTS: FeatureWeights = {
  bm25: 2.644,
  name_cover_nouns: 0.634,
  query_cover: 1.439,
  clause_best: 3.93,
  clause_name_cover: 0.964,
  app_named: -0.048,
};

/** Weights with embeddings (a local model or an OpenAI-compatible endpoint). */
export const HYBRID_WEIGHTS: FeatureWeights = {
  name_cover_nouns: 0.648,
  query_cover: 1.377,
  clause_best: 3.449,
  clause_name_cover: 0.701,
  cosine_gap: 1.234,
  cosine_rank: 1.638,
  clause_cosine: 7.442,
};
