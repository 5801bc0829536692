import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { VectorCache } from "./embeddings.ts";

const KEY_BYTES = 64;

/**
 * Vectors in one append-only file (a 64-character key, a length, the floats), for evaluations and
 * benchmarks that embed the same texts run after run without a Redis. Read whole at start.
 */
export class FileVectorCache implements VectorCache {
  private readonly vectors = new Map<string, Float32Array>();

  constructor(private readonly path: string) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      return;
    }
    let at = 0;
    while (at + KEY_BYTES + 4 <= data.length) {
      const key = data.toString("latin1", at, at + KEY_BYTES);
      const length = data.readUInt32LE(at + KEY_BYTES);
      const start = at + KEY_BYTES + 4;
      if (start + length * 4 > data.length) break;
      this.vectors.set(
        key,
        new Float32Array(data.buffer.slice(data.byteOffset + start, data.byteOffset + start + length * 4)),
      );
      at = start + length * 4;
    }
  }

  async get(keys: readonly string[]): Promise<(Float32Array | undefined)[]> {
    return keys.map((key) => this.vectors.get(key));
  }

  async set(entries: readonly [string, Float32Array][]): Promise<void> {
    const records: Buffer[] = [];
    for (const [key, vector] of entries) {
      if (key.length !== KEY_BYTES) continue;
      this.vectors.set(key, vector);
      const head = Buffer.alloc(KEY_BYTES + 4);
      head.write(key, 0, "latin1");
      head.writeUInt32LE(vector.length, KEY_BYTES);
      records.push(head, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
    }
    if (records.length === 0) return;
    mkdirSync(dirname(this.path), { recursive: true });
    appendFileSync(this.path, Buffer.concat(records));
  }
}
