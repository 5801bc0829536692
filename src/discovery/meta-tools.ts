import { z } from "zod";
import { userError } from "../errors.ts";
import type { JsonSchema } from "../json-schema.ts";
import { parseArgs } from "../zod-issue.ts";
import type { ToolCatalog } from "./catalog.ts";
import { declarationsFor } from "./declarations.ts";
import type { ToolSearch } from "./search.ts";
import { words } from "./text.ts";

export const searchFunctionsArgs = z
  .object({
    requests: z
      .array(
        z
          .object({
            query: z.string().trim().min(1, { error: "a query needs words" }),
            app_id: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1, { error: "give at least one request" })
      .max(10, { error: "at most 10 requests per call" }),
  })
  .strict();
export const loadFunctionsArgs = z
  .object({ ids: z.array(z.string().min(1)).min(1, { error: "give at least one id" }) })
  .strict();

export interface FoundTool {
  id: string;
  description: string;
  score: number;
  /** Only when it matters for what the agent may do: probes may call read-only tools only. */
  access?: "read-only" | "destructive" | undefined;
}

export interface SearchFunctionsResult {
  results: {
    query: string;
    app_id?: string | undefined;
    groups: { app: string; tools: FoundTool[] }[];
    /** Set when nothing passed the relevance threshold: says so plainly and lists the apps. */
    note?: string | undefined;
  }[];
}

export interface LoadFunctionsResult {
  loaded: string[];
  /** Ids that were loaded before this call (not counted again). */
  alreadyLoaded: string[];
  unknown: { id: string; suggestions: string[] }[];
  /** TypeScript declarations of the newly loaded tools. */
  declarations: string;
}

export interface DiscoveryOptions {
  catalog: ToolCatalog;
  search: ToolSearch;
  /** Results per request. Default: 5. */
  k?: number | undefined;
  /** Most ids one load_functions call may load. Default: 10. */
  maxLoadPerCall?: number | undefined;
  /** Most tools loaded in one session. Default: 30. */
  maxLoaded?: number | undefined;
  /** Up to this many apps, the app list carries each app's one-line summary; beyond, ids only. Default: 20. */
  summariesUpTo?: number | undefined;
}

/**
 * The agent's discovery meta-tools: it sees only the app list and finds tools by searching, then
 * loads the few it needs as TypeScript declarations. Arguments are validated here (they come from a
 * model); a bad call is a user error the model can read and correct.
 */
export class Discovery {
  private readonly catalog: ToolCatalog;
  private readonly search: ToolSearch;
  private readonly k: number;
  private readonly maxLoadPerCall: number;
  private readonly maxLoaded: number;
  private readonly summariesUpTo: number;

  constructor(options: DiscoveryOptions) {
    this.catalog = options.catalog;
    this.search = options.search;
    this.k = options.k ?? 5;
    this.maxLoadPerCall = options.maxLoadPerCall ?? 10;
    this.maxLoaded = options.maxLoaded ?? 30;
    this.summariesUpTo = options.summariesUpTo ?? 20;
  }

  /**
   * The app list the model always sees, never tool schemas: a line per app with its summary for a
   * small registry; for a large one just the ids, as in the seed paper, to keep the prompt flat.
   */
  appList(): string {
    const apps = this.catalog.apps();
    if (apps.length <= this.summariesUpTo) return apps.map((app) => `${app.id}: ${app.summary}`).join("\n");
    return apps.map((app) => app.id).join(" ");
  }

  async searchFunctions(raw: unknown): Promise<SearchFunctionsResult> {
    const args = parseArgs(SEARCH_FUNCTIONS.schema, raw, SEARCH_FUNCTIONS.name);
    for (const request of args.requests) {
      if (request.app_id !== undefined && !this.catalog.hasApp(request.app_id))
        throw unknownAppError(this.catalog, request.app_id, "app_id");
    }
    const results: SearchFunctionsResult["results"] = [];
    for (const request of args.requests) {
      const hits = await this.search.search({ query: request.query, app: request.app_id, k: this.k });
      const groups = new Map<string, FoundTool[]>();
      for (const hit of hits) {
        const entry = this.catalog.get(hit.id);
        if (entry === undefined) continue;
        const list = groups.get(hit.app) ?? [];
        const found: FoundTool = {
          id: hit.id,
          description: firstSentence(entry.description),
          score: Math.round(hit.score * 100) / 100,
        };
        if (entry.readOnly) found.access = "read-only";
        else if (entry.destructive) found.access = "destructive";
        list.push(found);
        groups.set(hit.app, list);
      }
      const result: SearchFunctionsResult["results"][number] = {
        query: request.query,
        groups: [...groups].map(([app, tools]) => ({ app, tools })),
      };
      if (request.app_id !== undefined) result.app_id = request.app_id;
      if (hits.length === 0) {
        const scope = request.app_id !== undefined ? ` in ${request.app_id}` : "";
        result.note = `no relevant tools for "${request.query}"${scope}. Try other words (the action and the object, e.g. "list messages"), or another app. Apps: ${this.catalog
          .apps()
          .map((app) => app.id)
          .join(", ")}`;
      }
      results.push(result);
    }
    return { results };
  }

  loadFunctions(
    raw: unknown,
    alreadyLoaded: readonly string[] = [],
    locked?: ReadonlyMap<string, JsonSchema>,
  ): LoadFunctionsResult {
    const args = parseArgs(LOAD_FUNCTIONS.schema, raw, LOAD_FUNCTIONS.name);
    const requested = [...new Set(args.ids)];
    if (requested.length > this.maxLoadPerCall) {
      throw userError(
        "DISCOVERY_TOO_MANY",
        `${LOAD_FUNCTIONS.name}: load at most ${this.maxLoadPerCall} ids at a time (got ${requested.length}); load the ones the task needs`,
      );
    }
    const before = new Set(alreadyLoaded);
    const known = requested.filter((id) => this.catalog.get(id) !== undefined);
    const fresh = known.filter((id) => !before.has(id));
    if (before.size + fresh.length > this.maxLoaded) {
      throw userError(
        "DISCOVERY_TOO_MANY",
        `${LOAD_FUNCTIONS.name}: a session may load ${this.maxLoaded} tools; ${before.size} are loaded already`,
      );
    }
    const unknown = requested
      .filter((id) => this.catalog.get(id) === undefined)
      .map((id) => ({ id, suggestions: this.suggest(id) }));
    const entries = fresh.map((id) => this.catalog.get(id)).filter((entry) => entry !== undefined);
    return {
      loaded: fresh,
      alreadyLoaded: known.filter((id) => before.has(id)),
      unknown,
      declarations: declarationsFor(entries, locked),
    };
  }

  /** Ids close to a mistyped one (a letter or two off), then what a search for its words finds. */
  private suggest(id: string): string[] {
    const query = words(id).join(" ");
    const app = id.includes("__") ? id.slice(0, id.indexOf("__")) : undefined;
    const scoped = app !== undefined && this.catalog.hasApp(app) ? app : undefined;
    const near = this.catalog
      .all()
      .filter((entry) => scoped === undefined || entry.app === scoped)
      .map((entry) => ({ id: entry.id, distance: editDistance(entry.id, id) }))
      .filter((candidate) => candidate.distance <= Math.max(2, Math.floor(id.length / 8)))
      .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1))
      .map((candidate) => candidate.id);
    const found = this.search.searchLexical({ query, app: scoped, k: 3 }, 0).map((hit) => hit.id);
    return [...new Set([...near, ...found])].slice(0, 3);
  }
}

/** An app nobody connected, with the near matches and every app, for the model or a person. */
export function unknownAppError(catalog: ToolCatalog, app: string, what = "app") {
  const apps = catalog.apps().map((info) => info.id);
  const near = apps.filter(
    (candidate) => candidate.includes(app) || app.includes(candidate) || editDistance(candidate, app) <= 2,
  );
  return userError(
    "DISCOVERY_UNKNOWN_APP",
    `unknown ${what} "${app}"${near.length > 0 ? ` (did you mean ${near.join(", ")}?)` : ""}. Apps: ${apps.join(", ")}`,
  );
}

function firstSentence(text: string): string {
  const match = /^(.+?[.!?])(\s|$)/.exec(text.trim());
  const sentence = match?.[1] ?? text.trim();
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] as number;
}

/** One of the model's tools: its name, what the model is told of it, and the schema of its arguments. */
export interface MetaToolSpec<Args = unknown> {
  readonly name: string;
  readonly description: string;
  readonly schema: z.ZodType<Args>;
}

/** search_functions: the registry searched by capability (the agent's registry runs it, src/agent/meta-tools.ts). */
export const SEARCH_FUNCTIONS: MetaToolSpec<z.infer<typeof searchFunctionsArgs>> = {
  name: "search_functions",
  description:
    "Search the tool registry: one request per capability, e.g. {query: 'list messages with attachments', app_id: 'outlook'}. Returns the best matches of each, best first. If none fits, rephrase with the action and the object.",
  schema: searchFunctionsArgs,
};

/** load_functions: tools made callable by id, declared under LOADED TOOLS. */
export const LOAD_FUNCTIONS: MetaToolSpec<z.infer<typeof loadFunctionsArgs>> = {
  name: "load_functions",
  description:
    "Load tools by id (app__tool) to call them as tools.<id>(args) in code; their TypeScript declarations are pinned under LOADED TOOLS.",
  schema: loadFunctionsArgs,
};

/** A meta-tool as an OpenAI function definition (what the model is given instead of every tool's schema). */
export function toolDefinition(spec: MetaToolSpec): {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
} {
  return {
    type: "function",
    function: { name: spec.name, description: spec.description, parameters: modelParameters(spec.schema) },
  };
}

/** The discovery meta-tools as OpenAI function definitions. */
export function discoveryToolDefinitions(): ReturnType<typeof toolDefinition>[] {
  return [toolDefinition(SEARCH_FUNCTIONS), toolDefinition(LOAD_FUNCTIONS)];
}

/**
 * A zod schema as the parameters a model is shown: without `$schema`, `additionalProperties: false`
 * and a minimum of one (a string or list it would not send empty), which tell it nothing it acts on.
 * zod still checks them all, and a refusal is a line the model can read.
 */
export function modelParameters(schema: z.ZodType): Record<string, unknown> {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (typeof value !== "object" || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key === "$schema" || (key === "additionalProperties" && child === false)) continue;
      if ((key === "minLength" || key === "minItems") && child === 1) continue;
      out[key] = strip(child);
    }
    return out;
  };
  return strip(z.toJSONSchema(schema, { io: "input" })) as Record<string, unknown>;
}
