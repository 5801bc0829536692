import { CodedError, isCodedError } from "../errors.ts";

/** McpError codes the SDK raises (ErrorCode in @modelcontextprotocol/sdk/types). */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;

/** Maps what the SDK throws for a call into our typed errors. */
export function classifyCallFailure(app: string, toolId: string, error: unknown, timeoutMs: number): CodedError {
  if (isCodedError(error)) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === REQUEST_TIMEOUT || /timed out/i.test(message)) {
    return new CodedError("MCP_TIMEOUT", `${toolId} did not answer within ${timeoutMs} ms`, {
      retryable: true,
      details: { app, tool: toolId },
      cause: error,
    });
  }
  if (
    code === CONNECTION_CLOSED ||
    /connection closed|not connected|ECONNREFUSED|ECONNRESET|fetch failed/i.test(message)
  ) {
    return new CodedError("MCP_SERVER_DIED", `the ${app} MCP server went away during ${toolId}: ${message}`, {
      retryable: true,
      details: { app, tool: toolId },
      cause: error,
    });
  }
  if (code === 429) {
    return new CodedError("MCP_RATE_LIMITED", `${toolId} is rate limited by the ${app} server`, {
      retryable: true,
      retryAfterMs: 1000,
      details: { app, tool: toolId },
      cause: error,
    });
  }
  if (code === -32602) {
    return new CodedError("TOOL_BAD_ARGUMENTS", `${toolId}: ${message}`, {
      family: "user",
      retryable: false,
      details: { app, tool: toolId },
      cause: error,
    });
  }
  return new CodedError("MCP_CALL_FAILED", `${toolId}: ${message}`, { details: { app, tool: toolId }, cause: error });
}
