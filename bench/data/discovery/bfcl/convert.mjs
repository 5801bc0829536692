#!/usr/bin/env node
// Berkeley Function Calling Leaderboard (ShishirPatil/gorilla, bfcl_eval/data) → tools.jsonl + queries.jsonl
// in codemem's eval format. Usage: node convert.mjs <checkout of ShishirPatil/gorilla at the commit in SOURCE.md>
// Every function offered in the single-turn categories below becomes a tool (one per name); a query is
// the user's turns, its relevant tools the functions its answer calls.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
if (root === undefined) {
  process.stderr.write("usage: node convert.mjs <checkout of ShishirPatil/gorilla>\n");
  process.exit(2);
}
const here = new URL(".", import.meta.url).pathname;
const data = join(root, "berkeley-function-call-leaderboard", "bfcl_eval", "data");
const CATEGORIES = [
  "simple_python",
  "multiple",
  "parallel",
  "parallel_multiple",
  "live_simple",
  "live_multiple",
  "live_parallel",
  "live_parallel_multiple",
];
const lines = (path) =>
  readFileSync(join(data, path), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
const TYPES = { dict: "object", float: "number", tuple: "array", any: undefined };

/** BFCL's Python-flavoured schema ("dict", "float", "tuple") as JSON Schema. */
function jsonSchema(schema) {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" && typeof value === "string") {
      const type = value in TYPES ? TYPES[value] : value;
      if (type !== undefined) out.type = type;
    } else out[key] = key === "properties" || typeof value === "object" ? jsonSchema(value) : value;
  }
  return out;
}

const tools = [];
const ids = new Map();
/** One tool per function name: BFCL offers some functions many times with slightly different docs, and a
 * registry has one tool per name; the first definition seen is kept. */
function toolId(fn) {
  const known = ids.get(fn.name);
  if (known !== undefined) return known;
  const app = fn.name.includes(".") ? fn.name.slice(0, fn.name.indexOf(".")) : fn.name;
  const id = `${app}__${fn.name}`;
  ids.set(fn.name, id);
  tools.push({ id, app, name: fn.name, description: fn.description ?? "", parameters: jsonSchema(fn.parameters ?? {}) });
  return id;
}

const queries = [];
for (const category of CATEGORIES) {
  const answers = new Map(lines(`possible_answer/BFCL_v4_${category}.json`).map((a) => [a.id, a.ground_truth]));
  for (const entry of lines(`BFCL_v4_${category}.json`)) {
    const offered = new Map(entry.function.map((fn) => [fn.name, toolId(fn)]));
    const truth = answers.get(entry.id);
    if (truth === undefined) throw new Error(`${entry.id}: no possible answer`);
    const relevant = [...new Set(truth.map((call) => offered.get(Object.keys(call)[0])))];
    if (relevant.some((id) => id === undefined)) throw new Error(`${entry.id}: an answer calls a function not offered`);
    const query = entry.question
      .flat()
      .filter((turn) => turn.role === "user")
      .map((turn) => turn.content)
      .join("\n");
    queries.push({ query, relevant, kind: relevant.length > 1 ? "multi" : "single", category });
  }
}

const jsonl = (rows) => `${rows.map((row) => JSON.stringify(row)).join("\n")}\n`;
writeFileSync(join(here, "tools.jsonl"), jsonl(tools));
writeFileSync(join(here, "queries.jsonl"), jsonl(queries));
process.stdout.write(`${tools.length} tools, ${queries.length} queries\n`);
