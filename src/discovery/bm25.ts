import { terms } from "./text.ts";

interface Posting {
  slots: number[];
  tfs: number[];
}

/**
 * Okapi BM25 (k1 1.2, b 0.75 by default) over one text per document, built incrementally: documents
 * are added and removed one at a time (a server's tools change, a skill is saved) without rebuilding.
 * Scores accumulate in one reused array instead of a map per query, which keeps a query over 100,000
 * tools within a few milliseconds.
 */
export class Bm25Index {
  private readonly k1: number;
  private readonly b: number;
  private readonly keys: (string | undefined)[] = [];
  private readonly lengths: number[] = [];
  private readonly docTerms: (string[] | undefined)[] = [];
  private readonly slots = new Map<string, number>();
  private readonly free: number[] = [];
  private readonly postings = new Map<string, Posting>();
  private lengthSum = 0;
  private count = 0;
  private scores = new Float64Array(0);

  constructor(options: { k1?: number | undefined; b?: number | undefined } = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.count;
  }

  /** Adds or replaces the document with this key. */
  upsert(key: string, text: string): void {
    this.remove(key);
    const all = terms(text);
    const counts = new Map<string, number>();
    for (const term of all) counts.set(term, (counts.get(term) ?? 0) + 1);
    const slot = this.free.pop() ?? this.keys.length;
    this.keys[slot] = key;
    this.lengths[slot] = all.length;
    this.docTerms[slot] = [...counts.keys()];
    this.slots.set(key, slot);
    this.lengthSum += all.length;
    this.count++;
    for (const [term, tf] of counts) {
      let posting = this.postings.get(term);
      if (posting === undefined) {
        posting = { slots: [], tfs: [] };
        this.postings.set(term, posting);
      }
      posting.slots.push(slot);
      posting.tfs.push(tf);
    }
  }

  remove(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    for (const term of this.docTerms[slot] ?? []) {
      const posting = this.postings.get(term) as Posting;
      const at = posting.slots.indexOf(slot);
      // Order within a posting does not matter: the last entry fills the hole.
      posting.slots[at] = posting.slots[posting.slots.length - 1] as number;
      posting.tfs[at] = posting.tfs[posting.tfs.length - 1] as number;
      posting.slots.pop();
      posting.tfs.pop();
      if (posting.slots.length === 0) this.postings.delete(term);
    }
    this.lengthSum -= this.lengths[slot] as number;
    this.keys[slot] = undefined;
    this.docTerms[slot] = undefined;
    this.slots.delete(key);
    this.free.push(slot);
    this.count--;
    return true;
  }

  /** Inverse document frequency (BM25's, never negative). */
  idf(term: string): number {
    const df = this.postings.get(term)?.slots.length ?? 0;
    return Math.log(1 + (this.count - df + 0.5) / (df + 0.5));
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  /** Distinct terms of one indexed document. */
  documentTerms(key: string): string[] {
    const slot = this.slots.get(key);
    return slot === undefined ? [] : (this.docTerms[slot] ?? []);
  }

  /**
   * Scores every document sharing a term with the query (`query` maps terms to weights: how often
   * each was typed). Returns key → score.
   */
  score(query: ReadonlyMap<string, number>): Map<string, number> {
    const touched = this.accumulate(query);
    const out = new Map<string, number>();
    for (const slot of touched) out.set(this.keys[slot] as string, this.scores[slot] as number);
    this.clear(touched);
    return out;
  }

  /**
   * The `n` best documents `accept` lets through, best first; the best score among them all; and the
   * scores of `extra` documents whatever their rank. One pass over the query's postings, no map of
   * every match: what a search over a large registry needs.
   */
  top(
    query: ReadonlyMap<string, number>,
    n: number,
    accept: (key: string) => boolean,
    extra: readonly string[] = [],
  ): { top: [string, number][]; best: number; extra: Map<string, number> } {
    const touched = this.accumulate(query);
    const scores = this.scores;
    const heap: number[] = [];
    let best = 0;
    for (const slot of touched) {
      const key = this.keys[slot] as string;
      if (!accept(key)) continue;
      const score = scores[slot] as number;
      if (score > best) best = score;
      if (n === 0) continue;
      if (heap.length < n) heapPush(heap, slot, scores);
      else if (score > (scores[heap[0] as number] as number)) heapReplace(heap, slot, scores);
    }
    const top = heap
      .map((slot) => [this.keys[slot] as string, scores[slot] as number] as [string, number])
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const extraScores = new Map<string, number>();
    for (const key of extra) {
      const slot = this.slots.get(key);
      extraScores.set(key, slot === undefined ? 0 : (scores[slot] as number));
    }
    this.clear(touched);
    return { top, best, extra: extraScores };
  }

  /** Adds the query's BM25 to `scores` per slot; returns the slots touched (the caller clears them). */
  private accumulate(query: ReadonlyMap<string, number>): number[] {
    if (this.scores.length < this.keys.length) this.scores = new Float64Array(Math.max(64, this.keys.length * 2));
    const scores = this.scores;
    const touched: number[] = [];
    const average = this.count === 0 ? 1 : Math.max(this.lengthSum / this.count, 1e-9);
    const k1 = this.k1;
    const b = this.b;
    for (const [term, weight] of query) {
      const posting = this.postings.get(term);
      if (posting === undefined) continue;
      const idf = this.idf(term) * weight;
      const { slots, tfs } = posting;
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as number;
        const tf = tfs[i] as number;
        const norm = tf / (1 - b + (b * (this.lengths[slot] as number)) / average);
        if (scores[slot] === 0) touched.push(slot);
        scores[slot] = (scores[slot] as number) + (idf * norm) / (k1 + norm);
      }
    }
    return touched;
  }

  private clear(touched: readonly number[]): void {
    for (const slot of touched) this.scores[slot] = 0;
  }
}

/** A min-heap of slots by score: the n best so far, the weakest on top. */
function heapPush(heap: number[], slot: number, scores: Float64Array): void {
  heap.push(slot);
  let at = heap.length - 1;
  while (at > 0) {
    const parent = (at - 1) >> 1;
    if ((scores[heap[parent] as number] as number) <= (scores[slot] as number)) break;
    heap[at] = heap[parent] as number;
    at = parent;
  }
  heap[at] = slot;
}

function heapReplace(heap: number[], slot: number, scores: Float64Array): void {
  const score = scores[slot] as number;
  let at = 0;
  for (;;) {
    const left = 2 * at + 1;
    if (left >= heap.length) break;
    const right = left + 1;
    const child =
      right < heap.length && (scores[heap[right] as number] as number) < (scores[heap[left] as number] as number)
        ? right
        : left;
    if ((scores[heap[child] as number] as number) >= score) break;
    heap[at] = heap[child] as number;
    at = child;
  }
  heap[at] = slot;
}
