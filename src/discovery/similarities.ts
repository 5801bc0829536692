/** Rows shared by a table and the tables that grew from it by appending: a row, once written, never changes. */
interface Rows {
  ids: string[];
  rowOf: Map<string, number>;
  /** Row-major, with room to grow; replaced by a larger copy when full (earlier rows stay as they were). */
  matrix: Float32Array;
  dim: number;
}

/**
 * Embedded tools as one matrix, row by row. A query's similarity to 10,000 tools is then one tight
 * loop into a typed array: a Map of 10,000 scores cost more to build than the products themselves, and
 * sorting it to find the best 20 cost as much again.
 *
 * A table is a snapshot: the first `size` rows. Adding tools appends rows after them (amortized, as
 * the catalog fills app by app), so the similarities a search holds keep pointing at the rows they
 * were computed over. Removing or replacing a tool builds new rows, which is rare (a server changed).
 */
export class VectorTable {
  static readonly EMPTY = new VectorTable({ ids: [], rowOf: new Map(), matrix: new Float32Array(0), dim: 0 }, 0);

  private constructor(
    private readonly rows: Rows,
    readonly size: number,
  ) {}

  /** The ids of this snapshot's rows, in row order. */
  get ids(): readonly string[] {
    return this.rows.ids.length === this.size ? this.rows.ids : this.rows.ids.slice(0, this.size);
  }

  /** The row of an id in this snapshot. */
  rowOf(id: string): number | undefined {
    const row = this.rows.rowOf.get(id);
    return row !== undefined && row < this.size ? row : undefined;
  }

  idAt(row: number): string {
    return this.rows.ids[row] as string;
  }

  /** A table without `removed` and with `added` (an id added again replaces its row). */
  with(added: readonly [string, Float32Array][], removed: readonly string[]): VectorTable {
    const fresh = [...new Map(added)];
    const appendOnly =
      removed.every((id) => this.rowOf(id) === undefined) &&
      fresh.every(([id]) => this.rowOf(id) === undefined) &&
      this.rows.ids.length === this.size;
    // The first rows get rows of their own: EMPTY is shared by every table.
    if (!appendOnly || this.size === 0)
      return VectorTable.built(this.keptRows(new Set([...removed, ...fresh.map(([id]) => id)])), fresh);
    if (fresh.length === 0) return this;
    const rows = this.rows;
    const needed = (this.size + fresh.length) * rows.dim;
    if (needed > rows.matrix.length) {
      const grown = new Float32Array(Math.max(needed, rows.matrix.length * 2));
      grown.set(rows.matrix.subarray(0, this.size * rows.dim));
      rows.matrix = grown;
    }
    fresh.forEach(([id, vector], i) => {
      const row = this.size + i;
      // A vector of another length (a changed endpoint model) is cut or padded with zeros.
      rows.matrix.set(vector.subarray(0, rows.dim), row * rows.dim);
      rows.ids.push(id);
      rows.rowOf.set(id, row);
    });
    return new VectorTable(rows, this.size + fresh.length);
  }

  private keptRows(gone: ReadonlySet<string>): [string, Float32Array][] {
    const { matrix, dim } = this.rows;
    const kept: [string, Float32Array][] = [];
    for (let row = 0; row < this.size; row++) {
      const id = this.idAt(row);
      if (!gone.has(id)) kept.push([id, matrix.subarray(row * dim, (row + 1) * dim)]);
    }
    return kept;
  }

  private static built(kept: readonly [string, Float32Array][], fresh: readonly [string, Float32Array][]): VectorTable {
    const all = [...kept, ...fresh];
    const dim = all[0]?.[1].length ?? 0;
    const rows: Rows = { ids: [], rowOf: new Map(), matrix: new Float32Array(all.length * dim), dim };
    all.forEach(([id, vector], row) => {
      rows.matrix.set(vector.subarray(0, dim), row * dim);
      rows.ids.push(id);
      rows.rowOf.set(id, row);
    });
    return new VectorTable(rows, all.length);
  }

  /** A unit vector toward both `query` and the mean of some rows (they weigh as much as the query). */
  towards(query: Float32Array, rows: readonly number[]): Float32Array {
    const { matrix, dim } = this.rows;
    const moved = Float32Array.from(query);
    const width = Math.min(dim, moved.length);
    for (const row of rows)
      for (let j = 0; j < width; j++) moved[j] = (moved[j] as number) + (matrix[row * dim + j] as number) / rows.length;
    let norm = 0;
    for (const value of moved) norm += value * value;
    norm = Math.sqrt(norm) || 1;
    return moved.map((value) => value / norm);
  }

  /** Cosine similarity of a unit vector to one row. */
  similarity(query: Float32Array, row: number): number {
    const { matrix, dim } = this.rows;
    const width = Math.min(dim, query.length);
    let sum = 0;
    for (let j = 0, base = row * dim; j < width; j++) sum += (matrix[base + j] as number) * (query[j] as number);
    return sum;
  }

  /** Cosine similarity of a unit vector to every row (rows are unit vectors too). */
  similarities(query: Float32Array): Similarities {
    const { matrix, dim } = this.rows;
    const n = this.size;
    const width = Math.min(dim, query.length);
    const scores = new Float32Array(n);
    const unrolled = width - (width % 4);
    for (let row = 0, base = 0; row < n; row++, base += dim) {
      // Four running sums: V8 keeps them in registers, about 1.7 times as fast as one.
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      let j = 0;
      for (; j < unrolled; j += 4) {
        a += (matrix[base + j] as number) * (query[j] as number);
        b += (matrix[base + j + 1] as number) * (query[j + 1] as number);
        c += (matrix[base + j + 2] as number) * (query[j + 2] as number);
        d += (matrix[base + j + 3] as number) * (query[j + 3] as number);
      }
      for (; j < width; j++) a += (matrix[base + j] as number) * (query[j] as number);
      scores[row] = a + b + c + d;
    }
    return new Similarities(this, scores, query);
  }
}

/** How many of a text's most similar tools pseudo-relevance feedback moves it toward. */
const FEEDBACK_TOOLS = 3;

/** A text's similarity to a tool, by id (undefined for a tool it was not compared with). */
export interface Similarity {
  get(id: string): number | undefined;
}

/** One text's similarity to each tool of a table. */
export class Similarities implements Similarity {
  private moved: Similarity | undefined;

  constructor(
    private readonly table: VectorTable,
    private readonly scores: Float32Array,
    private readonly query: Float32Array,
  ) {}

  /**
   * Pseudo-relevance feedback (Rocchio): the text moved toward the mean of its three most similar tools,
   * then compared with tools again. A terse request ("archive invoices") lands among the tools that do
   * it, so those like them rise too. Only the tools asked for are compared (the ranker's candidates, not
   * every tool), each once.
   */
  feedback(): Similarity {
    if (this.moved === undefined) {
      const best: number[] = [];
      for (let row = 0; row < this.scores.length; row++) {
        const score = this.scores[row] as number;
        if (best.length === FEEDBACK_TOOLS && score <= (this.scores[best.at(-1) as number] as number)) continue;
        let at = best.length;
        while (at > 0 && score > (this.scores[best[at - 1] as number] as number)) at--;
        best.splice(at, 0, row);
        if (best.length > FEEDBACK_TOOLS) best.pop();
      }
      this.moved = best.length === 0 ? this : new OnDemandSimilarity(this.table, this.table.towards(this.query, best));
    }
    return this.moved;
  }

  get size(): number {
    return this.scores.length;
  }

  get(id: string): number | undefined {
    const row = this.table.rowOf(id);
    return row === undefined ? undefined : this.scores[row];
  }

  /**
   * The tools `accept` lets through, by similarity: the best `k` (ties in row order), and the rank any
   * score has among them, as the number of them more similar (so equal tools share a rank).
   */
  ranking(k: number, accept: (id: string) => boolean): { top: [string, number][]; rankOf: (score: number) => number } {
    const rows: number[] = [];
    for (let row = 0; row < this.scores.length; row++) if (accept(this.table.idAt(row))) rows.push(row);
    const sorted = Float32Array.from(rows, (row) => this.scores[row] as number).sort();
    const threshold = sorted[Math.max(0, sorted.length - k)] ?? Number.POSITIVE_INFINITY;
    const top = rows
      .filter((row) => (this.scores[row] as number) >= threshold)
      .map((row) => [this.table.idAt(row), this.scores[row] as number] as [string, number])
      .sort((a, b) => b[1] - a[1])
      .slice(0, k);
    const rankOf = (score: number) => {
      // Binary search for the first score above `score` in the ascending copy.
      let low = 0;
      let high = sorted.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((sorted[mid] as number) > score) high = mid;
        else low = mid + 1;
      }
      return sorted.length - low;
    };
    return { top, rankOf };
  }
}

/** Similarity to a vector worked out one tool at a time, each once: for a few candidates among many tools. */
class OnDemandSimilarity implements Similarity {
  private readonly known = new Map<number, number>();

  constructor(
    private readonly table: VectorTable,
    private readonly vector: Float32Array,
  ) {}

  get(id: string): number | undefined {
    const row = this.table.rowOf(id);
    if (row === undefined) return undefined;
    let score = this.known.get(row);
    if (score === undefined) {
      score = this.table.similarity(this.vector, row);
      this.known.set(row, score);
    }
    return score;
  }
}
