import { createHash } from "node:crypto";

/**
 * The one way codemem derives a stable id from values it does not control (a thread, an item key, a
 * platform's event id): SHA-256 of the parts, joined by NUL so ["a", "bc"] and ["ab", "c"] differ, cut
 * to 32 hex digits. 128 bits: two values never meet by chance, and nobody can make a thread whose id is
 * another's. Hex only, so it fits Redis keys, URLs and BullMQ job ids (which refuse ":").
 */
export function digestId(...parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}
