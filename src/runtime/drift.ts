import type { JsonSchema } from "../json-schema.ts";

/**
 * Where a tool result stopped matching the schema locked at probe time: the first required field
 * that went missing or changed type, as a path (`value[0].from.emailAddress`). Extra fields are fine.
 */
export function findDrift(schema: JsonSchema | undefined, value: unknown, path = "", depth = 0): string | undefined {
  if (schema === undefined || depth > 12) return undefined;
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((type) => matches(type, value))) {
    return `${path || "(result)"}: expected ${types.join(" or ")}, got ${describe(value)}`;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (let i = 0; i < Math.min(value.length, 5); i++) {
      const drift = findDrift(schema.items, value[i], `${path}[${i}]`, depth + 1);
      if (drift) return drift;
    }
  } else if (typeof value === "object" && value !== null && schema.properties !== undefined) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record) || record[key] === undefined)
        return `${path ? `${path}.` : ""}${key}: missing (was ${describeSchema(schema.properties[key])})`;
    }
    for (const [key, child] of Object.entries(schema.properties)) {
      if (record[key] === undefined) continue;
      const drift = findDrift(child, record[key], `${path ? `${path}.` : ""}${key}`, depth + 1);
      if (drift) return drift;
    }
  }
  return undefined;
}

function matches(type: string, value: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function describeSchema(schema: JsonSchema | undefined): string {
  const type = schema?.type;
  return type === undefined ? "present" : Array.isArray(type) ? type.join(" or ") : type;
}
