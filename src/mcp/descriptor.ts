import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { CodedError } from "../errors.ts";
import type { JsonSchema } from "../json-schema.ts";
import type { ToolDescriptor } from "./types.ts";

/** A server's tool as codemem keeps it: its id, schemas, and access from its annotations (no hint: it may write). */
export function describeTool(app: string, id: string, tool: Tool): ToolDescriptor {
  const annotations = tool.annotations ?? {};
  const readOnly = annotations.readOnlyHint === true;
  return {
    id,
    app,
    name: tool.name,
    title: tool.title ?? annotations.title,
    description: tool.description ?? "",
    inputSchema: tool.inputSchema as JsonSchema,
    outputSchema: tool.outputSchema as JsonSchema | undefined,
    annotations: {
      title: annotations.title,
      readOnlyHint: annotations.readOnlyHint,
      destructiveHint: annotations.destructiveHint,
      idempotentHint: annotations.idempotentHint,
      openWorldHint: annotations.openWorldHint,
    },
    readOnly,
    destructive: !readOnly && annotations.destructiveHint !== false,
  };
}

/** A tool id the server does not have, with the near matches or the first of its tools. */
export function unknownTool(id: string, app: string, tools: readonly ToolDescriptor[]): CodedError {
  const stem = id.slice(app.length + 2).toLowerCase();
  const near = tools
    .filter((tool) => stem.split("_").some((part) => part.length > 2 && tool.id.toLowerCase().includes(part)))
    .slice(0, 5)
    .map((tool) => tool.id);
  const hint =
    near.length > 0
      ? ` Did you mean: ${near.join(", ")}?`
      : ` ${app} has: ${tools
          .slice(0, 10)
          .map((t) => t.id)
          .join(", ")}`;
  return new CodedError("MCP_UNKNOWN_TOOL", `there is no tool ${id}.${hint}`, {
    family: "user",
    retryable: false,
    details: { app, tool: id },
  });
}
