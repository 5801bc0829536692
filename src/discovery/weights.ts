import type { FeatureWeights } from "./features.ts";

// Written by `npx tsx bench/discovery-fit.ts --write`, fitted on every evaluation set at once (each
// set weighs the same; see bench/data/discovery/README.md). Refit after changing a feature.

/** Weights without embeddings. */
export const LEXICAL_WEIGHTS: FeatureWeights = {
  bm25: 2.644,
  name_cover_nouns: 0.634,
  query_cover: 3.395,
  clause_best: 5.227,
  clause_name_cover: 1.706,
  app_named: -0.169,
};

/** Weights with embeddings (a local model or an OpenAI-compatible endpoint). */
export const HYBRID_WEIGHTS: FeatureWeights = {
  bm25: 0.507,
  name_cover_nouns: 1.149,
  query_cover: 1.831,
  clause_best: 2.593,
  clause_name_cover: 1.051,
  app_named: -0.027,
  cosine_rank: 1.638,
  clause_cosine: 4.207,
};
