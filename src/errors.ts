/**
 * Two families of errors cross our boundaries: user errors, shown in chat as one line with
 * the fix, and system errors, logged and retried where safe. Both carry a string `code` from the one
 * list below; callers identify them by `code`, never by `instanceof`, because they cross package,
 * process and sandbox boundaries.
 */
export type ErrorFamily = "user" | "system";

/** Every code codemem raises. A new failure gets a code here, so one grep finds all of them. */
export const ERROR_CODES = [
  // input and configuration
  "USAGE",
  "CONFIG_INVALID",
  "FILE_UNREADABLE",
  "BODY_TOO_LARGE",
  "COMMAND_USAGE",
  "COMMAND_UNKNOWN",
  "COMMAND_BAD_JSON",
  "NOT_ALLOWED",
  "LIMIT_REACHED",
  "PARAMS_INVALID",
  "WORKER_NEEDS_REDIS",
  "EVAL_BAD_FILE",
  // skills, runs, schedules
  "SKILL_UNKNOWN",
  "SKILL_VERSION_UNKNOWN",
  "SKILL_FILE_INVALID",
  "SKILL_NO_ENTRY",
  "RUN_UNKNOWN",
  "SCHEDULE_UNKNOWN",
  "SCHEDULE_NOT_PAUSED",
  "SCHEDULE_BAD_CRON",
  "SCHEDULE_BAD_TZ",
  "SCHEMA_DRIFT",
  "STATE_UNREADABLE",
  "LOCK_LOST",
  "JOURNAL_MISMATCH",
  "MEMORY_FAILED",
  "MEMORY_BAD_KEY",
  "MEMORY_UNAVAILABLE",
  // the agent
  "PROPOSAL_REFUSED",
  "PROBE_WRITE_REFUSED",
  "META_TOOL_BAD_ARGS",
  "UNKNOWN_TOOL",
  "DISCOVERY_TOO_MANY",
  "DISCOVERY_UNKNOWN_APP",
  // tools and MCP servers
  "TOOL_NOT_LOADED",
  "TOOL_BAD_ARGUMENTS",
  "TOOL_ERROR",
  "TOOL_FAILED",
  "TOOL_RESULT_TOO_LARGE",
  "MCP_UNKNOWN_APP",
  "MCP_UNKNOWN_TOOL",
  "MCP_RATE_LIMITED",
  "MCP_TIMEOUT",
  "MCP_SERVER_DIED",
  "MCP_SERVER_DOWN",
  "MCP_CONNECT_FAILED",
  "MCP_CONNECT_TIMEOUT",
  "MCP_CLOSED",
  "MCP_CALL_FAILED",
  // the sandbox
  "SANDBOX_COMPILE",
  "SANDBOX_RUNTIME",
  "SANDBOX_TIMEOUT",
  "SANDBOX_MEMORY",
  "SANDBOX_RESULT",
  "SANDBOX_BRIDGE",
  "SANDBOX_FINISHED",
  "SANDBOX_INTERNAL",
  "SANDBOX_TOO_MANY_CALLS",
  // chat delivery
  "CHAT_RATE_LIMITED",
  "CHAT_DELIVERY_FAILED",
  "CHAT_NO_ADAPTER",
  // infrastructure
  "REDIS_MISSING",
  "REDIS_START_FAILED",
  "DEMO_TIMEOUT",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN = new Set<string>(ERROR_CODES);

/** Codes no retry can fix, whatever family raised them: the runtime fails these at once. */
const NEVER_RETRYABLE = new Set<ErrorCode>([
  "SKILL_NO_ENTRY",
  "TOOL_NOT_LOADED",
  "TOOL_BAD_ARGUMENTS",
  "SANDBOX_COMPILE",
  "SANDBOX_RESULT",
  "SANDBOX_MEMORY",
  "SCHEMA_DRIFT",
  "STATE_UNREADABLE",
  "PARAMS_INVALID",
  "MCP_UNKNOWN_TOOL",
  "MCP_UNKNOWN_APP",
  "MEMORY_BAD_KEY",
  "MEMORY_UNAVAILABLE",
]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && KNOWN.has(value);
}

/** Whether an error with this code (and, when known, this flag) is worth trying again. */
export function isRetryable(code: string, retryable?: boolean | undefined): boolean {
  if (isErrorCode(code) && NEVER_RETRYABLE.has(code)) return false;
  return retryable ?? true;
}

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

/** The JSON form that crosses process and sandbox boundaries. */
export interface CodedErrorJson {
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export class CodedError extends Error {
  override readonly name = "CodedError";
  readonly code: ErrorCode;
  readonly family: ErrorFamily;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: CodedErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.family = options.family ?? "system";
    this.retryable = !NEVER_RETRYABLE.has(code) && (options.retryable ?? this.family === "system");
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  toJSON(): CodedErrorJson {
    const json: CodedErrorJson = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.retryAfterMs !== undefined) json.retryAfterMs = this.retryAfterMs;
    return json;
  }
}

export function userError(code: ErrorCode, message: string, details?: Record<string, unknown>): CodedError {
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

/**
 * Converts anything thrown into a CodedError at an edge, keeping the original as `cause`. A foreign
 * code (Node's `ENOENT`, `ERR_PARSE_ARGS_…`) becomes the fallback code and stays in `details.code`.
 */
export function asCodedError(value: unknown, fallbackCode: ErrorCode = "INTERNAL"): CodedError {
  if (isCodedError(value)) return value;
  if (value instanceof Error) {
    const own = (value as { code?: unknown }).code;
    const retryable = (value as { retryable?: unknown }).retryable;
    const options: CodedErrorOptions = { cause: value };
    if (typeof retryable === "boolean") options.retryable = retryable;
    if (isErrorCode(own)) return new CodedError(own, value.message, options);
    if (own !== undefined) options.details = { code: own };
    return new CodedError(fallbackCode, value.message, options);
  }
  return new CodedError(fallbackCode, typeof value === "string" ? value : (JSON.stringify(value) ?? String(value)));
}
