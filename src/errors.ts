/**
 * Two families of errors cross our boundaries (STYLE.md): user errors, shown in chat as one line with
 * the fix, and system errors, logged and retried where safe. Both carry a string `code`; callers
 * identify them by `code`, never by `instanceof`, because they cross package and process boundaries.
 */
export type ErrorFamily = "user" | "system";

export interface CodedErrorOptions {
  /** Whether a person can fix this by changing their input. Default: "system". */
  family?: ErrorFamily | undefined;
  /** When false, retrying the same operation cannot help (schema drift, validation). Default: true for system errors. */
  retryable?: boolean | undefined;
  /** Milliseconds the caller should wait before trying again, when the other side said so. */
  retryAfterMs?: number | undefined;
  /** Structured context for logs; never shown to chat users verbatim. */
  details?: Record<string, unknown> | undefined;
  cause?: unknown;
}

export class CodedError extends Error {
  override readonly name = "CodedError";
  readonly code: string;
  readonly family: ErrorFamily;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.family = options.family ?? "system";
    this.retryable = options.retryable ?? this.family === "system";
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  toJSON(): { code: string; message: string; retryAfterMs?: number } {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

export function userError(code: string, message: string, details?: Record<string, unknown>): CodedError {
  return new CodedError(code, message, { family: "user", retryable: false, details });
}

export function isCodedError(value: unknown): value is CodedError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string" &&
    (value as { name?: unknown }).name === "CodedError"
  );
}

/** Converts anything thrown into a CodedError at an edge, keeping the original as `cause`. */
export function asCodedError(value: unknown, fallbackCode = "INTERNAL"): CodedError {
  if (isCodedError(value)) return value;
  if (value instanceof Error) {
    const own = (value as { code?: unknown }).code;
    const code = typeof own === "string" ? own : fallbackCode;
    return new CodedError(code, value.message, { cause: value });
  }
  return new CodedError(fallbackCode, typeof value === "string" ? value : JSON.stringify(value) ?? String(value));
}
