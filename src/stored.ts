import type { z } from "zod";
import { asCodedError, CodedError } from "./errors.ts";
import { describeZodIssue } from "./zod-issue.ts";

/** How one kind of stored state is read back: its current format, its schema, and how older ones are upgraded. */
export interface StoredShape<T> {
  /** What it is, for the error: "session slack-1f…", "skill archive-attachments v3". */
  what: string;
  /** The format this release writes (a number in the stored JSON; none means 1). */
  format: number;
  schema: z.ZodType<T>;
  /** Brings a value saved in an older format (or an older shape of format 1) up to the current one. */
  upgrade?: ((value: Record<string, unknown>, from: number) => Record<string, unknown>) | undefined;
}

/**
 * Reads a value codemem stored: JSON whose `format` is not newer than this release's, upgraded, then
 * parsed. A value it cannot read is one STATE_UNREADABLE error saying what and why, which no retry
 * fixes; never a crash deeper in, in a worker, on a field that moved.
 */
export function readStored<T>(raw: string, shape: StoredShape<T>): T {
  const refuse = (why: string) =>
    new CodedError("STATE_UNREADABLE", `${shape.what} cannot be read: ${why}`, { retryable: false });
  let stored: unknown;
  try {
    stored = JSON.parse(raw);
  } catch {
    throw refuse("it is not JSON");
  }
  if (typeof stored !== "object" || stored === null || Array.isArray(stored)) throw refuse("it is not a JSON object");
  const from = (stored as { format?: unknown }).format ?? 1;
  if (typeof from !== "number" || !Number.isInteger(from) || from < 1) throw refuse(`its format is ${String(from)}`);
  if (from > shape.format)
    throw refuse(`it was saved by a newer codemem (format ${from}; this one reads up to ${shape.format})`);
  const upgraded = shape.upgrade?.({ ...(stored as Record<string, unknown>) }, from) ?? stored;
  const parsed = shape.schema.safeParse({ ...upgraded, format: shape.format });
  if (!parsed.success) throw refuse(describeZodIssue(parsed.error.issues[0], upgraded));
  return parsed.data;
}

/** Why stored state cannot be read, when that is what `error` says; any other error is thrown on. */
export function unreadableReason(error: unknown): string {
  const coded = asCodedError(error);
  if (coded.code !== "STATE_UNREADABLE") throw error;
  return coded.message;
}
