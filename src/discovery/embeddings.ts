import { createHash } from "node:crypto";
import type { DenseRetriever } from "./dense.ts";
import { type Similarities, VectorTable } from "./similarities.ts";
import { words } from "./text.ts";
import type { CatalogEntry } from "./types.ts";
import { VectorKeys } from "./keys.ts";

/** The part of the `openai` client we use (`client.embeddings`), so tests and other SDKs fit. */
export interface EmbeddingsApi {
  create(params: { model: string; input: string[] }): Promise<{ data: { embedding: number[]; index: number }[] }>;
}

/** Vectors by content hash; RedisVectorCache keeps them across restarts and processes. */
export interface VectorCache {
  get(keys: readonly string[]): Promise<(Float32Array | undefined)[]>;
  set(entries: readonly [string, Float32Array][]): Promise<void>;
}

/** The part of ioredis we use. */
export interface RedisLike {
  mgetBuffer(...keys: string[]): Promise<(Buffer | null)[]>;
  mset(...args: (string | Buffer)[]): Promise<unknown>;
}

export class RedisVectorCache implements VectorCache {
  private readonly keys: VectorKeys;

  constructor(
    private readonly redis: RedisLike,
    /** The app's key prefix. */
    prefix: string,
  ) {
    this.keys = new VectorKeys(prefix);
  }

  async get(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    if (keys.length === 0) return [];
    const values = await this.redis.mgetBuffer(...keys.map((key) => this.keys.vector(key)));
    return values.map((buffer) =>
      buffer === null
        ? undefined
        : new Float32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength)),
    );
  }

  async set(entries: readonly [string, Float32Array][]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.mset(
      ...entries.flatMap(([key, vector]) => [
        this.keys.vector(key),
        Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
      ]),
    );
  }
}

export class MemoryVectorCache implements VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
  async get(keys: readonly string[]) {
    return keys.map((key) => this.vectors.get(key));
  }
  async set(entries: readonly [string, Float32Array][]) {
    for (const [key, vector] of entries) this.vectors.set(key, vector);
  }
}

export interface EmbeddingRetrieverOptions {
  api: EmbeddingsApi;
  /** e.g. text-embedding-3-small, nomic-embed-text. */
  model: string;
  /** Default: an in-memory cache. */
  cache?: VectorCache | undefined;
  /** Cosine from which a dense hit alone counts as relevant. Default: 0.5. */
  minSimilarity?: number | undefined;
  /** Inputs per embeddings request. Default: 64. */
  batchSize?: number | undefined;
  /** Called when embedding fails; search then falls back to lexical. Default: ignored. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * Whether a search waits for tools still being embedded (a fresh registry). Without waiting it ranks
   * on words alone until they are done: the local model takes over two minutes for 10,000 new tools on
   * one core, and nobody should wait that long for a first answer. Default: true.
   */
  waitForUpdates?: boolean | undefined;
}

/**
 * Dense retrieval through any OpenAI-compatible embeddings endpoint. Vectors are cached by a hash of
 * model + text, so restarts and other processes do not pay for them again; an entry whose text did
 * not change is never re-embedded.
 */
export class EmbeddingRetriever implements DenseRetriever {
  readonly minSimilarity: number;
  private readonly api: EmbeddingsApi;
  private readonly model: string;
  private readonly cache: VectorCache;
  private readonly batchSize: number;
  private readonly onError: (error: unknown) => void;
  private table = VectorTable.EMPTY;
  private pending: Promise<void> = Promise.resolve();
  private updating = 0;
  private readonly waitForUpdates: boolean;

  constructor(options: EmbeddingRetrieverOptions) {
    this.api = options.api;
    this.model = options.model;
    this.cache = options.cache ?? new MemoryVectorCache();
    this.minSimilarity = options.minSimilarity ?? 0.5;
    this.batchSize = options.batchSize ?? 64;
    this.onError = options.onError ?? (() => {});
    this.waitForUpdates = options.waitForUpdates ?? true;
  }

  /** Updates are serialized; a search waits for them (unless told not to), so it never misses a fresh tool. */
  update(added: readonly CatalogEntry[], removed: readonly string[]): Promise<void> {
    this.updating++;
    this.pending = this.pending.then(async () => {
      let vectors: Float32Array[] = [];
      try {
        vectors = await this.embed(added.map(entryText));
      } catch (error) {
        this.onError(error);
      } finally {
        // Removed tools go even when the added ones could not be embedded.
        this.table = this.table.with(
          vectors.map((vector, i) => [(added[i] as CatalogEntry).id, vector]),
          removed,
        );
        this.updating--;
      }
    });
    return this.pending;
  }

  /** Embeds texts ahead of their use (an evaluation's queries), in batches, into the cache. */
  async warm(texts: readonly string[]): Promise<void> {
    try {
      await this.embed(texts);
    } catch (error) {
      this.onError(error);
    }
  }

  /** Each text embedded (in one request) and compared with every tool; none while it cannot. */
  async similarities(texts: readonly string[]): Promise<Similarities[]> {
    if (!this.waitForUpdates && this.updating > 0) return [];
    await this.pending;
    try {
      const table = this.table;
      return (await this.embed(texts)).map((vector) => table.similarities(vector));
    } catch (error) {
      this.onError(error);
      return [];
    }
  }

  private async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const keys = texts.map((text) => createHash("sha256").update(`${this.model}\0${text}`).digest("hex"));
    const cached = await this.cache.get(keys);
    const missing = texts.map((_, i) => i).filter((i) => cached[i] === undefined);
    for (let start = 0; start < missing.length; start += this.batchSize) {
      const batch = missing.slice(start, start + this.batchSize);
      const response = await this.api.create({ model: this.model, input: batch.map((i) => texts[i] as string) });
      const fresh: [string, Float32Array][] = [];
      for (const item of response.data) {
        const index = batch[item.index];
        if (index === undefined) continue;
        const vector = normalize(Float32Array.from(item.embedding));
        cached[index] = vector;
        fresh.push([keys[index] as string, vector]);
      }
      await this.cache.set(fresh);
    }
    return cached.map((vector, i) => {
      if (vector === undefined) throw new Error(`the embeddings endpoint returned no vector for input ${i}`);
      return vector;
    });
  }
}

/** What is embedded of a tool: its name as words and its description (what the weights were fitted on). */
export function entryText(entry: CatalogEntry): string {
  return `${words(entry.title ?? entry.name).join(" ")}: ${entry.description}`;
}

function normalize(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}
