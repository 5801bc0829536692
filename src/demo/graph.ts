import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/** A Microsoft Graph-style error: HTTP status plus `{error: {code, message}}`. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly graphCode: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function graphResult(value: unknown, structured = false): CallToolResult {
  const result: CallToolResult = { content: [{ type: "text", text: JSON.stringify(value) }] };
  if (structured) result.structuredContent = value as Record<string, unknown>;
  return result;
}

export function graphErrorResult(error: GraphError): CallToolResult {
  const body: Record<string, unknown> = {
    status: error.status,
    error: { code: error.graphCode, message: error.message },
  };
  if (error.retryAfterSeconds !== undefined) body.retryAfterSeconds = error.retryAfterSeconds;
  return { isError: true, content: [{ type: "text", text: JSON.stringify(body) }] };
}
