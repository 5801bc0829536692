import type { CatalogEntry } from "./types.ts";

export interface DenseHit {
  id: string;
  similarity: number;
}

/** Embedding retrieval the lexical ranker can be fused with; see embeddings.ts for the OpenAI-compatible one. */
export interface DenseRetriever {
  /** Cosine similarity from which a dense hit alone counts as relevant. */
  readonly minSimilarity: number;
  update(added: readonly CatalogEntry[], removed: readonly string[]): Promise<void>;
  search(query: string, k: number, app?: string | undefined): Promise<DenseHit[]>;
}
