import type { Similarities } from "./similarities.ts";
import type { CatalogEntry } from "./types.ts";

/** Embedding similarity the lexical ranker reads as features; see embeddings.ts. */
export interface DenseRetriever {
  /** Cosine similarity from which a tool counts as relevant on similarity alone. */
  readonly minSimilarity: number;
  update(added: readonly CatalogEntry[], removed: readonly string[]): Promise<void>;
  /** Cosine similarity of each text to every embedded tool, one per text; none when embedding fails. */
  similarities(texts: readonly string[]): Promise<Similarities[]>;
}
