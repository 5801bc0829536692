import { terms } from "./text.ts";

/** A document as fields of text; the index only sees their terms. */
export type Fields<F extends string> = Record<F, string>;

export interface Bm25fOptions<F extends string> {
  /** Weight per field: how much one occurrence there counts. */
  weights: Record<F, number>;
  /** Length normalization per field, 0..1. Default 0.75 each. */
  b?: Partial<Record<F, number>> | undefined;
  /** Term frequency saturation. Default: 1.2. */
  k1?: number | undefined;
}

interface Doc {
  key: string;
  lengths: number[];
  /** term → frequency per field */
  tfs: Map<string, number[]>;
}

/**
 * Okapi BM25F over named fields, built incrementally: documents are added and removed one at a time
 * (a server's tools change, a skill is saved) without rebuilding. With one field and weight 1 it is
 * plain BM25, which is how the baseline uses it.
 */
export class Bm25fIndex<F extends string> {
  private readonly fields: F[];
  private readonly weights: number[];
  private readonly b: number[];
  private readonly k1: number;
  private readonly docs: (Doc | undefined)[] = [];
  private readonly slots = new Map<string, number>();
  private readonly free: number[] = [];
  private readonly postings = new Map<string, Map<number, number[]>>();
  private readonly lengthSums: number[];
  private count = 0;

  constructor(options: Bm25fOptions<F>) {
    this.fields = Object.keys(options.weights) as F[];
    this.weights = this.fields.map((field) => options.weights[field]);
    this.b = this.fields.map((field) => options.b?.[field] ?? 0.75);
    this.k1 = options.k1 ?? 1.2;
    this.lengthSums = this.fields.map(() => 0);
  }

  get size(): number {
    return this.count;
  }

  /** Adds or replaces the document with this key. */
  upsert(key: string, fields: Fields<F>): void {
    this.remove(key);
    const lengths: number[] = [];
    const tfs = new Map<string, number[]>();
    this.fields.forEach((field, f) => {
      const fieldTerms = terms(fields[field] ?? "");
      lengths.push(fieldTerms.length);
      this.lengthSums[f] = (this.lengthSums[f] ?? 0) + fieldTerms.length;
      for (const term of fieldTerms) {
        let perField = tfs.get(term);
        if (perField === undefined) {
          perField = this.fields.map(() => 0);
          tfs.set(term, perField);
        }
        perField[f] = (perField[f] ?? 0) + 1;
      }
    });
    const slot = this.free.pop() ?? this.docs.length;
    this.docs[slot] = { key, lengths, tfs };
    this.slots.set(key, slot);
    this.count++;
    for (const [term, perField] of tfs) {
      let posting = this.postings.get(term);
      if (posting === undefined) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(slot, perField);
    }
  }

  remove(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    const doc = this.docs[slot] as Doc;
    for (const [f, length] of doc.lengths.entries()) this.lengthSums[f] = (this.lengthSums[f] ?? 0) - length;
    for (const term of doc.tfs.keys()) {
      const posting = this.postings.get(term);
      posting?.delete(slot);
      if (posting?.size === 0) this.postings.delete(term);
    }
    this.docs[slot] = undefined;
    this.slots.delete(key);
    this.free.push(slot);
    this.count--;
    return true;
  }

  /** Inverse document frequency (BM25's, never negative). */
  idf(term: string): number {
    const df = this.postings.get(term)?.size ?? 0;
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /**
   * Scores every document that shares a term with the query. `query` maps terms to weights (1 for a
   * term the person typed, less for an expansion). Returns key → score.
   */
  score(query: ReadonlyMap<string, number>): Map<string, number> {
    const averages = this.lengthSums.map((sum) => (this.count === 0 ? 1 : Math.max(sum / this.count, 1e-9)));
    const bySlot = new Map<number, number>();
    for (const [term, queryWeight] of query) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      const idf = this.idf(term) * queryWeight;
      for (const [slot, perField] of posting) {
        const doc = this.docs[slot] as Doc;
        let tf = 0;
        for (let f = 0; f < perField.length; f++) {
          const raw = perField[f] as number;
          if (raw === 0) continue;
          const b = this.b[f] as number;
          tf +=
            ((this.weights[f] as number) * raw) / (1 - b + (b * (doc.lengths[f] as number)) / (averages[f] as number));
        }
        bySlot.set(slot, (bySlot.get(slot) ?? 0) + (idf * tf) / (this.k1 + tf));
      }
    }
    const byKey = new Map<string, number>();
    for (const [slot, value] of bySlot) byKey.set((this.docs[slot] as Doc).key, value);
    return byKey;
  }

  /** Terms of one indexed document (all fields). */
  documentTerms(key: string): string[] {
    const slot = this.slots.get(key);
    return slot === undefined ? [] : [...(this.docs[slot] as Doc).tfs.keys()];
  }
}
