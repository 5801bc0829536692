import type { JsonSchema } from "../sandbox/shape.ts";
import type { CatalogEntry } from "./types.ts";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_DEPTH = 6;

/**
 * TypeScript declarations for loaded tools, as the model sees them: one `declare namespace tools`
 * block per tool (blocks merge), doc comments from descriptions, parameter types from inputSchema and
 * the result type from outputSchema or the schema locked by a probe, else `unknown`.
 */
export function declarationFor(entry: CatalogEntry, lockedOutput?: JsonSchema | undefined): string {
  const flags = entry.readOnly
    ? "read-only"
    : entry.destructive
      ? "destructive: needs approval, refused in probes"
      : "writes";
  const doc = docComment([entry.description, `@app ${entry.app} (${flags})`], "  ");
  const output = lockedOutput ?? entry.outputSchema;
  const result = output === undefined ? "unknown" : typeOf(output, "  ", 0);
  return `declare namespace tools {\n${doc}  function ${entry.id}(args: ${typeOf(entry.inputSchema, "  ", 0)}): Promise<${result}>;\n}`;
}

export function declarationsFor(entries: readonly CatalogEntry[], locked?: ReadonlyMap<string, JsonSchema>): string {
  return entries.map((entry) => declarationFor(entry, locked?.get(entry.id))).join("\n\n");
}

/** JSON Schema → a TypeScript type expression. */
export function typeOf(schema: JsonSchema | boolean | undefined, indent: string, depth: number): string {
  if (schema === undefined || schema === true) return "unknown";
  if (schema === false) return "never";
  if (depth > MAX_DEPTH) return "unknown";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(" | ") || "never";
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return union(options.map((option) => typeOf(option as JsonSchema, indent, depth + 1)));
  }
  if (Array.isArray(schema.allOf))
    return schema.allOf.map((part) => typeOf(part as JsonSchema, indent, depth + 1)).join(" & ");
  const types = Array.isArray(schema.type)
    ? schema.type
    : schema.type === undefined
      ? inferType(schema)
      : [schema.type];
  return union(types.map((type) => single(type, schema, indent, depth)));
}

function inferType(schema: JsonSchema): string[] {
  if (schema.properties !== undefined) return ["object"];
  if (schema.items !== undefined) return ["array"];
  return ["unknown"];
}

function single(type: string, schema: JsonSchema, indent: string, depth: number): string {
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const item = typeOf(schema.items, indent, depth + 1);
      return /^[\w$.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case "object":
      return objectType(schema, indent, depth);
    default:
      return "unknown";
  }
}

function objectType(schema: JsonSchema, indent: string, depth: number): string {
  const properties = Object.entries(schema.properties ?? {});
  const extra = schema.additionalProperties;
  if (properties.length === 0) {
    if (extra === false) return "{}";
    return `Record<string, ${typeof extra === "object" && extra !== null ? typeOf(extra as JsonSchema, indent, depth + 1) : "unknown"}>`;
  }
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = properties.map(([name, child]) => {
    const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
    const description = typeof child.description === "string" ? child.description : undefined;
    const defaults = child.default !== undefined ? `Default: ${JSON.stringify(child.default)}.` : undefined;
    const doc = description || defaults ? docComment([description, defaults].filter(Boolean) as string[], inner) : "";
    return `${doc}${inner}${key}${required.has(name) ? "" : "?"}: ${typeOf(child, inner, depth + 1)};`;
  });
  if (typeof extra === "object" && extra !== null)
    lines.push(`${inner}[key: string]: ${typeOf(extra as JsonSchema, inner, depth + 1)};`);
  return `{\n${lines.join("\n")}\n${indent}}`;
}

function union(parts: string[]): string {
  const unique = [...new Set(parts)];
  return unique.length === 0 ? "unknown" : unique.join(" | ");
}

function docComment(lines: string[], indent: string): string {
  const clean = lines.flatMap((line) => line.replaceAll("*/", "* /").split("\n")).filter((line) => line.trim() !== "");
  if (clean.length === 0) return "";
  if (clean.length === 1) return `${indent}/** ${clean[0]} */\n`;
  return `${indent}/**\n${clean.map((line) => `${indent} * ${line}`).join("\n")}\n${indent} */\n`;
}
