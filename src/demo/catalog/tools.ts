import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { AppSpec, ParamSpec, ParamType } from "./spec.ts";

function paramSchema(type: ParamType, description: string): Record<string, unknown> {
  switch (type) {
    case "string[]":
      return { type: "array", items: { type: "string" }, description };
    case "object":
      return { type: "object", additionalProperties: true, description };
    default:
      return { type, description };
  }
}

/** Expands an app's compact templates into MCP tool definitions with JSON Schemas and annotations. */
export function catalogTools(app: AppSpec): Tool[] {
  return app.tools.map((template) => {
    const properties = Object.fromEntries(
      template.params.map(([name, type, description]: ParamSpec) => [name, paramSchema(type, description)]),
    );
    const required = template.params.filter(([, , , isRequired]) => isRequired === true).map(([name]) => name);
    const title = template.name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
    return {
      name: template.name,
      title,
      description: template.description,
      inputSchema: { type: "object" as const, properties, ...(required.length > 0 ? { required } : {}) },
      annotations: {
        title,
        readOnlyHint: template.kind === "read",
        destructiveHint: template.kind === "delete",
        openWorldHint: true,
      },
    };
  });
}
