import type { JsonSchema } from "../json-schema.ts";
import { words } from "./text.ts";
import type { CatalogEntry } from "./types.ts";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_DEPTH = 6;

/** A result type this long that two loaded tools share is declared once, by name. */
const SHARED_TYPE_MIN_CHARS = 80;

/**
 * TypeScript declarations for loaded tools, as the model sees them: one `declare namespace tools`,
 * doc comments from descriptions, parameter types from inputSchema and the result type from
 * outputSchema or the schema locked by a probe, else `unknown`. The app is in each id, so only the
 * access is noted; a result shape two tools share (a OneDrive driveItem) is written once.
 */
export function declarationFor(entry: CatalogEntry, lockedOutput?: JsonSchema | undefined): string {
  return declarationsFor([entry], lockedOutput === undefined ? undefined : new Map([[entry.id, lockedOutput]]));
}

export function declarationsFor(entries: readonly CatalogEntry[], locked?: ReadonlyMap<string, JsonSchema>): string {
  if (entries.length === 0) return "";
  const results = entries.map((entry) => {
    const output = locked?.get(entry.id) ?? entry.outputSchema;
    return output === undefined ? "unknown" : typeOf(output, "  ", 0);
  });
  const shared = new Map<string, string>();
  results.forEach((result, index) => {
    if (result.length < SHARED_TYPE_MIN_CHARS || shared.has(result)) return;
    if (results.indexOf(result, index + 1) > index)
      shared.set(result, `${pascal((entries[index] as CatalogEntry).id)}Result`);
  });
  const types = [...shared].map(([type, name]) => `  type ${name} = ${type};\n`);
  const functions = entries.map((entry, index) => {
    const result = results[index] as string;
    const doc = docComment([`${entry.description} (${access(entry)})`], "  ");
    return `${doc}  function ${entry.id}(args: ${typeOf(entry.inputSchema, "  ", 0)}): Promise<${shared.get(result) ?? result}>;\n`;
  });
  return `declare namespace tools {\n${[...types, ...functions].join("")}}`;
}

function access(entry: CatalogEntry): string {
  if (entry.readOnly) return "read-only";
  return entry.destructive ? "destructive: needs approval, refused in probes" : "writes";
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
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
  const docs = properties.map(([name, child]) => docOf(name, child));
  const documented = docs.some((doc) => doc !== undefined);
  const members = properties.map(([name, child], index) => {
    const key = IDENTIFIER.test(name) ? name : JSON.stringify(name);
    const doc = docs[index];
    const member = `${key}${required.has(name) ? "" : "?"}: ${typeOf(child, inner, depth + 1)}`;
    if (!documented) return member;
    if (doc === undefined) return `${inner}${member};`;
    // A one-line doc trails its member: a third of the tokens of a doc comment on a line of its own.
    return doc.includes("\n") ? `${docComment([doc], inner)}${inner}${member};` : `${inner}${member}; // ${doc}`;
  });
  if (typeof extra === "object" && extra !== null)
    members.push(
      `${documented ? inner : ""}[key: string]: ${typeOf(extra as JsonSchema, inner, depth + 1)}${documented ? ";" : ""}`,
    );
  // Without docs an object reads as well on one line, at about half the tokens of one member per line.
  return documented ? `{\n${members.join("\n")}\n${indent}}` : `{ ${members.join("; ")} }`;
}

/**
 * A member's description and its default, unless the description states the default already ("Default
 * 10."). A description that only says the name again ("The message id." of message_id) is left out.
 */
function docOf(name: string, schema: JsonSchema): string | undefined {
  const stated = typeof schema.description === "string" ? schema.description.trim() : "";
  const description = restatesName(name, stated) ? "" : stated;
  const defaults =
    schema.default !== undefined && !/\bdefault\b/i.test(description)
      ? `Default: ${JSON.stringify(schema.default)}.`
      : "";
  const doc = [description, defaults].filter(Boolean).join(" ");
  return doc === "" ? undefined : doc;
}

const FILLER = new Set(["a", "an", "the", "of", "its", "this"]);

function restatesName(name: string, description: string): boolean {
  const nameWords = new Set(words(name));
  const said = words(description).filter((word) => !FILLER.has(word));
  return said.length > 0 && said.every((word) => nameWords.has(word));
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
