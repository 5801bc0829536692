import { z } from "zod";

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

/** A JSON Schema read back from storage: an object, trusted no further (codemem wrote it). */
export const jsonSchemaSchema = z.custom<JsonSchema>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  { error: "expected a JSON Schema object" },
);
