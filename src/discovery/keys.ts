/** The vector cache's Redis keys, under the app's prefix. Kept: a model's vector of a text never changes. */
export class VectorKeys {
  constructor(readonly prefix: string) {}

  /** One text's vector (raw float32 bytes), by its content address (model and text). */
  vector(contentKey: string): string {
    return `${this.prefix}:emb:${contentKey}`;
  }
}
