#!/usr/bin/env node
// Seal-Tools (fairyshine/Seal-Tools) → tools.jsonl + queries.jsonl in codemem's eval format.
// Usage: node convert.mjs <checkout of fairyshine/Seal-Tools at the commit in SOURCE.md>
// Tools: Seal-Tools_Dataset/tool.jsonl; an app is a tool's field ("Sports/Soccer" → sports_soccer).
// Queries: every query of dev, test_in_domain and test_out_domain; relevant: the APIs its calls use.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
if (root === undefined) {
  process.stderr.write("usage: node convert.mjs <checkout of fairyshine/Seal-Tools>\n");
  process.exit(2);
}
const here = new URL(".", import.meta.url).pathname;
const lines = (path) =>
  readFileSync(join(root, "Seal-Tools_Dataset", path), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
const slug = (text) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
const JSON_TYPES = { str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object" };

const ids = new Map();
const tools = lines("tool.jsonl").map((tool) => {
  const app = slug(tool.field);
  const id = `${app}__${tool.api_name}`;
  ids.set(tool.api_name, id);
  const properties = Object.fromEntries(
    Object.entries(tool.parameters ?? {}).map(([name, p]) => [
      name,
      { type: JSON_TYPES[p.type] ?? "string", description: p.description ?? "" },
    ]),
  );
  return {
    id,
    app,
    name: tool.api_name,
    description: tool.api_description ?? "",
    parameters: { type: "object", properties, required: tool.required ?? [] },
  };
});

const queries = [];
for (const split of ["dev", "test_in_domain", "test_out_domain"]) {
  for (const query of lines(`${split}.jsonl`)) {
    const relevant = [...new Set(query.calling.map((call) => ids.get(call.api)))];
    if (relevant.some((id) => id === undefined)) throw new Error(`${query.id}: an API not in tool.jsonl`);
    queries.push({ query: query.query, relevant, kind: relevant.length > 1 ? "multi" : "single", split });
  }
}

const jsonl = (rows) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
writeFileSync(join(here, "tools.jsonl"), jsonl(tools));
writeFileSync(join(here, "queries.jsonl"), jsonl(queries));
process.stdout.write(`${tools.length} tools, ${queries.length} queries\n`);
