import type { RankerWeights } from "./features.ts";

// Written by `npx tsx bench/discovery-fit.ts --write`, fitted on every evaluation set at once (each
// set weighs the same; see bench/data/discovery/README.md). Refit after changing a feature.

/** Weights without embeddings. */
export const LEXICAL_WEIGHTS: RankerWeights = {
  single: {
    bm25: 2.708,
    name_cover_nouns: 0.911,
    query_cover: 1.58,
    clause_best: 1.527,
    clause_name_cover: 0.487,
    app_named: -0.417,
  },
  multi: {
    bm25: 1.744,
    name_cover_nouns: 1.306,
    query_cover: 5.98,
    clause_best: 4.252,
    clause_name_cover: 1.156,
  },
};

/** Weights with embeddings (a local model or an OpenAI-compatible endpoint). */
export const HYBRID_WEIGHTS: RankerWeights = {
  single: {
    bm25: 0.907,
    clause_cosine: 3.297,
  },
  multi: {
    bm25: 1.466,
    clause_best: 3.171,
    clause_name_cover: 1.175,
    app_named: 0.147,
    cosine_rank: 1.184,
    clause_cosine: 5.183,
  },
};
