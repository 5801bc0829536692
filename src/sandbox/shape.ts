import type { JsonSchema } from "../json-schema.ts";

const MAX_ITEMS_SAMPLED = 20;
/** Paging fields come and go by page (the last page has no next link): never required. */
const PAGING_KEYS =
  /^(@odata\.(nextLink|deltaLink|count)|nextLink|nextCursor|next_cursor|nextPageToken|next_page_token|cursor|continuationToken|has_more|hasMore)$/;
const MAX_DEPTH = 12;

/**
 * Infers a JSON Schema from an observed value: the "lock" the seed's probe methodology asks for.
 * Arrays merge the shapes of (up to) their first items, so optional fields show up as such.
 */
export function inferSchema(value: unknown, depth = 0): JsonSchema {
  if (value === null) return { type: "null" };
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return { type: "array" };
    const sampled = value.slice(0, MAX_ITEMS_SAMPLED).map((item) => inferSchema(item, depth + 1));
    const first = sampled[0];
    if (first === undefined) return { type: "array" };
    return { type: "array", items: sampled.slice(1).reduce(mergeSchemas, first) };
  }
  switch (typeof value) {
    case "string":
      return { type: "string" };
    case "number":
      return { type: Number.isInteger(value) ? "integer" : "number" };
    case "boolean":
      return { type: "boolean" };
    case "object": {
      if (depth >= MAX_DEPTH) return { type: "object" };
      const properties: Record<string, JsonSchema> = {};
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
        if (child !== undefined) properties[key] = inferSchema(child, depth + 1);
      }
      return { type: "object", properties, required: Object.keys(properties).filter((key) => !PAGING_KEYS.test(key)) };
    }
    default:
      return {};
  }
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The least schema both values satisfy: unions of types, properties required only when required in both. */
export function mergeSchemas(a: JsonSchema, b: JsonSchema): JsonSchema {
  const types = [...new Set([...typesOf(a), ...typesOf(b)])];
  // An integer seen beside a number is a number.
  const normalized = types.includes("number") ? types.filter((t) => t !== "integer") : types;
  const merged: JsonSchema = {};
  if (normalized.length === 1) merged.type = normalized[0] as string;
  else if (normalized.length > 1) merged.type = normalized.sort();
  if (a.properties !== undefined || b.properties !== undefined) {
    const properties: Record<string, JsonSchema> = {};
    const keys = new Set([...Object.keys(a.properties ?? {}), ...Object.keys(b.properties ?? {})]);
    for (const key of keys) {
      const left = a.properties?.[key];
      const right = b.properties?.[key];
      properties[key] = left && right ? mergeSchemas(left, right) : (left ?? right ?? {});
    }
    merged.properties = properties;
    const requiredB = new Set(b.required ?? []);
    merged.required = (a.required ?? []).filter((key) => requiredB.has(key));
  }
  if (a.items !== undefined || b.items !== undefined) {
    merged.items = a.items && b.items ? mergeSchemas(a.items, b.items) : (a.items ?? b.items ?? {});
  }
  return merged;
}
