/**
 * A JSON Schema as codemem handles one: a tool's input and output schemas, a skill's params, the shape a
 * probe locked. Only the fields codemem reads are named; the rest pass through untouched.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  [key: string]: unknown;
}
