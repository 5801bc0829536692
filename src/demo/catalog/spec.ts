/** Compact description of catalog tools; expanded to MCP tool definitions by tools.ts. */
export type ParamType = "string" | "integer" | "number" | "boolean" | "string[]" | "object";
/** [name, type, description, required?] */
export type ParamSpec = [string, ParamType, string, boolean?];
export type ToolKind = "read" | "write" | "delete";

export interface ToolTemplate {
  name: string;
  description: string;
  params: ParamSpec[];
  kind: ToolKind;
}

export interface AppSpec {
  /** App id, e.g. "gmail". */
  id: string;
  /** Display name, e.g. "Gmail". */
  name: string;
  /** One line shown in the app list. */
  summary: string;
  tools: ToolTemplate[];
}

export const t = (name: string, kind: ToolKind, description: string, ...params: ParamSpec[]): ToolTemplate => ({
  name,
  kind,
  description,
  params,
});
