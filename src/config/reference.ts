import { CONFIG_FIELDS, valueAtPath } from "./fields.ts";
import { loadConfig } from "./load.ts";

/** Where the README holds the table; everything between the markers is generated. */
export const TABLE_START = "<!-- configuration table: generated from src/config/schema.ts by npm run docs -->";
export const TABLE_END = "<!-- end of the configuration table -->";

/** A default as the table shows it. */
function shown(value: unknown): string {
  if (value === undefined) return "none";
  if (Array.isArray(value) && value.length === 0) return "none";
  if (typeof value === "object" && value !== null && Object.keys(value).length === 0) return "none";
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

/** The configuration table, from the schema: every setting, its environment variable, its field, its default. */
export function configTable(): string {
  const defaults = loadConfig({ env: {}, file: undefined, cwd: "/nonexistent" });
  const rows = CONFIG_FIELDS.map(
    (field) =>
      `| \`${field.env}\` | \`${field.path}\` | ${field.defaultText ?? shown(valueAtPath(defaults, field.path))} | ${field.doc} |`,
  );
  return ["| environment | field | default | what it sets |", "|---|---|---|---|", ...rows].join("\n");
}

/** The README with its table brought up to date (unchanged when it already is). */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start)
    throw new Error(`README.md has no configuration table markers (${TABLE_START} … ${TABLE_END})`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
