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
    bm25: 3.1,
    query_cover: 0.717,
    clause_best: 1.599,
    clause_name_cover: 1.538,
  },
};

/** Weights with embeddings (a local model or an OpenAI-compatible endpoint). */
export const HYBRID_WEIGHTS: RankerWeights = {
  single: {
    query_cover: 1.255,
    clause_best: 0.945,
    clause_name_cover: 0.864,
    clause_cosine: 2.717,
    feedback_cosine: 2.675,
  },
  multi: {
    bm25: 2.199,
    query_cover: 0.588,
    clause_best: 3.077,
    clause_name_cover: 1.686,
    cosine_rank: 1.274,
    clause_cosine: 3.111,
    feedback_cosine: 6.154,
  },
};
