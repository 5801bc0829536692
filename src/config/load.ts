import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { userError } from "../errors.ts";
import { CONFIG_FIELDS, valueAtPath } from "./fields.ts";
import { type Config, configSchema } from "./schema.ts";

export type { Config } from "./schema.ts";

export interface LoadConfigOptions {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Default: ./codemem.config.json when it exists. */
  file?: string | undefined;
  /** Values that win over everything (CLI flags), by dotted path. */
  overrides?: Record<string, unknown> | undefined;
  cwd?: string | undefined;
  /**
   * The platforms codemem has adapters for (adapters/registry.ts): an approver of any other platform
   * could never be matched, so it is refused. Default: any platform name.
   */
  platforms?: readonly string[] | undefined;
}

/**
 * Reads, merges and validates the configuration: defaults < codemem.config.json < environment < flags.
 * A bad value throws one user error naming the field, where it came from, the value and what is allowed.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file =
    options.file ?? (existsSync(resolve(cwd, "codemem.config.json")) ? resolve(cwd, "codemem.config.json") : undefined);
  const sources = new Map<string, string>();
  const merged: Record<string, unknown> = {};

  if (file !== undefined) {
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw userError("CONFIG_INVALID", `config: cannot read ${file} as JSON (${(error as Error).message})`);
    }
    if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
      throw userError("CONFIG_INVALID", `config: ${file} must hold a JSON object`);
    }
    for (const [path, value] of flatten(fromFile as Record<string, unknown>)) {
      setPath(merged, path, value);
      sources.set(path, file);
    }
  }
  for (const field of CONFIG_FIELDS) {
    const value = env[field.env];
    if (value === undefined || value === "") continue;
    setPath(merged, field.path, value);
    sources.set(field.path, field.env);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(merged, path, value);
    sources.set(path, "command line");
  }

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") ?? "";
    if (issue?.code === "unrecognized_keys") {
      const where = path === "" ? "" : `${path}.`;
      throw userError(
        "CONFIG_INVALID",
        `config: unknown field ${issue.keys.map((key) => `${where}${key}`).join(", ")} in ${file ?? "config"}; known fields: ${knownFields(path)}`,
      );
    }
    throw invalid(merged, sources, path, issue?.message ?? "invalid");
  }
  const config = parsed.data;
  if (options.platforms !== undefined) {
    const foreign = config.approvers.find((key) => !options.platforms?.includes(key.slice(0, key.indexOf(":"))));
    if (foreign !== undefined)
      throw invalid(
        merged,
        sources,
        "approvers",
        `no platform "${foreign.slice(0, foreign.indexOf(":"))}" (in ${foreign}); platforms: ${options.platforms.join(", ")}`,
      );
  }
  return config;
}

/** One line for a bad value: the field as given, its source, the value (never a secret's) and what is allowed. */
function invalid(merged: Record<string, unknown>, sources: ReadonlyMap<string, string>, path: string, why: string) {
  // A list given as one string ("a,b") fails at an element the input never named: show the field as given.
  const segments = path.split(".");
  while (segments.length > 1 && !sources.has(segments.join("."))) segments.pop();
  const field = sources.has(segments.join(".")) ? segments.join(".") : path;
  const source = sources.get(field);
  const value = valueAtPath(merged, field);
  // Secrets never reach a log or a terminal, not even in an error about them.
  const secret = CONFIG_FIELDS.find((known) => known.path === field)?.secret === true;
  const shown = value === undefined ? "missing" : secret ? "(set, hidden)" : JSON.stringify(value);
  return userError("CONFIG_INVALID", `config: ${field} = ${shown}${source ? ` (from ${source})` : ""}: ${why}`);
}

function knownFields(prefix: string): string {
  if (prefix === "") return Object.keys(configSchema.shape).join(", ");
  return CONFIG_FIELDS.map((field) => field.path)
    .filter((path) => path.startsWith(`${prefix}.`))
    .join(", ");
}

function flatten(object: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? flatten(value as Record<string, unknown>, path)
      : [[path, value] as [string, unknown]];
  });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}
