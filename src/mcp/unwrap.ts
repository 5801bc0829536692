import { CodedError } from "../errors.ts";

interface ContentItem {
  type: string;
  text?: string;
  [key: string]: unknown;
}

interface CallResultLike {
  content?: unknown;
  structuredContent?: unknown;
  isError?: unknown;
  toolResult?: unknown;
}

/**
 * Turns an MCP tool result into the plain value sandboxed code works with: structuredContent first,
 * else the JSON in the text content, else the text itself. An isError result becomes a typed error.
 */
export function unwrapToolResult(toolId: string, result: CallResultLike): unknown {
  if (result.isError === true) throw toolFailure(toolId, result);
  if (result.structuredContent !== undefined && result.structuredContent !== null) return result.structuredContent;
  if ("toolResult" in result) return result.toolResult;
  const items = Array.isArray(result.content) ? (result.content as ContentItem[]) : [];
  const values = items.map(contentValue);
  if (values.length === 0) return null;
  return values.length === 1 ? values[0] : values;
}

function contentValue(item: ContentItem): unknown {
  if (item.type !== "text" || typeof item.text !== "string") return item;
  return parseJsonOrText(item.text);
}

function parseJsonOrText(text: string): unknown {
  const trimmed = text.trim();
  if (/^[[{"]|^-?\d|^(true|false|null)$/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return text;
    }
  }
  return text;
}

/** Reads the error a tool reported (Graph-style `{error: {code, message}}`, a status, a retry-after). */
function toolFailure(toolId: string, result: CallResultLike): CodedError {
  const items = Array.isArray(result.content) ? (result.content as ContentItem[]) : [];
  const text = items
    .filter((item) => item.type === "text" && typeof item.text === "string")
    .map((item) => item.text)
    .join("\n");
  const body = (result.structuredContent ?? parseJsonOrText(text)) as unknown;
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const inner =
    typeof record.error === "object" && record.error !== null ? (record.error as Record<string, unknown>) : record;
  const toolCode = typeof inner.code === "string" ? inner.code : undefined;
  const message = typeof inner.message === "string" ? inner.message : text || "the tool reported an error";
  const status = numberOf(record.status ?? inner.status ?? inner.statusCode);
  const retryAfterSeconds = numberOf(
    record.retryAfterSeconds ?? inner.retryAfterSeconds ?? record["retry-after"] ?? inner.retry_after,
  );
  const rateLimited = status === 429 || /^(TooManyRequests|rate_?limit(ed)?|429)$/i.test(toolCode ?? "");
  const details: Record<string, unknown> = { tool: toolId };
  if (status !== undefined) details.status = status;
  if (toolCode !== undefined) details.toolCode = toolCode;
  if (rateLimited) {
    const retryAfterMs = Math.max(0, Math.round((retryAfterSeconds ?? 1) * 1000));
    return new CodedError(
      "MCP_RATE_LIMITED",
      `${toolId} is rate limited: ${message} (retry after ${retryAfterMs} ms)`,
      {
        retryable: true,
        retryAfterMs,
        details,
      },
    );
  }
  const transient = status !== undefined && status >= 500;
  const prefix = toolCode !== undefined ? `${toolCode}: ` : "";
  return new CodedError("TOOL_ERROR", `${toolId} failed: ${prefix}${message}`, { retryable: transient, details });
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}
