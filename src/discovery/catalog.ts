import type { McpPool } from "../mcp/pool.ts";
import type { ToolDescriptor } from "../mcp/types.ts";
import type { JsonSchema } from "../json-schema.ts";
import type { AppInfo, CatalogEntry } from "./types.ts";

export type CatalogListener = (change: { app: string; added: CatalogEntry[]; removed: string[] }) => void;

/** Searchable parameter names and descriptions of an input schema. */
export function paramsOf(schema: JsonSchema): CatalogEntry["params"] {
  const properties = (schema.properties ?? {}) as Record<string, { description?: unknown } | undefined>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    description: typeof property?.description === "string" ? property.description : undefined,
  }));
}

/** A tool of a connected server as a catalog entry. */
export function entryFromTool(tool: ToolDescriptor): CatalogEntry {
  return {
    id: tool.id,
    app: tool.app,
    name: tool.name,
    title: tool.title,
    description: tool.description,
    params: paramsOf(tool.inputSchema),
    kind: "tool",
    readOnly: tool.readOnly,
    destructive: tool.destructive,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
  };
}

/**
 * Every tool of every connected server (and, later, every saved skill), kept current app by app:
 * a server's list_changed or restart replaces that app's entries only, and listeners (the search
 * index) hear exactly what was added and removed.
 */
export class ToolCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly byApp = new Map<string, Set<string>>();
  private readonly summaries = new Map<string, string>();
  private readonly listeners = new Set<CatalogListener>();

  /** Replaces all entries of one app. */
  setApp(app: string, entries: readonly CatalogEntry[], summary?: string): void {
    if (summary !== undefined) this.summaries.set(app, summary);
    const previous = this.byApp.get(app) ?? new Set<string>();
    const next = new Set(entries.map((entry) => entry.id));
    const removed = [...previous].filter((id) => !next.has(id));
    for (const id of removed) this.entries.delete(id);
    const added: CatalogEntry[] = [];
    for (const entry of entries) {
      const old = this.entries.get(entry.id);
      if (old === undefined || JSON.stringify(old) !== JSON.stringify(entry)) added.push(entry);
      this.entries.set(entry.id, entry);
    }
    if (next.size === 0) this.byApp.delete(app);
    else this.byApp.set(app, next);
    if (added.length > 0 || removed.length > 0)
      for (const listener of this.listeners) listener({ app, added, removed });
  }

  get(id: string): CatalogEntry | undefined {
    return this.entries.get(id);
  }

  all(): CatalogEntry[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  apps(): AppInfo[] {
    return [...this.byApp.entries()]
      .map(([id, ids]) => ({ id, tools: ids.size, summary: this.summaries.get(id) ?? defaultSummary(id, [...ids]) }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  hasApp(app: string): boolean {
    return this.byApp.has(app);
  }

  onChange(listener: CatalogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Fills the catalog from a pool and follows it: list_changed and restarts replace an app's
   * entries. Resolves when every app has been listed once (failures are returned, not thrown).
   */
  async follow(pool: McpPool): Promise<{ app: string; error: string }[]> {
    pool.onToolsChanged((app, tools) => this.setApp(app, tools.map(entryFromTool), pool.connection(app).summary));
    const listings = await pool.listApps();
    for (const listing of listings) {
      if (listing.error === undefined)
        this.setApp(listing.app, listing.tools.map(entryFromTool), pool.connection(listing.app).summary);
    }
    return listings
      .filter((l) => l.error !== undefined)
      .map((l) => ({ app: l.app, error: l.error?.message ?? "failed" }));
  }
}

function defaultSummary(app: string, ids: string[]): string {
  const names = ids.map((id) => id.slice(app.length + 2)).sort();
  return `${names.slice(0, 6).join(", ")}${names.length > 6 ? ", …" : ""}`;
}
