import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { declarationFor, declarationsFor } from "../../src/discovery/declarations.ts";
import { Discovery, discoveryToolDefinitions } from "../../src/discovery/meta-tools.ts";
import { loadResultText, searchResultText } from "../../src/discovery/model-text.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { demoCatalog, entry } from "../helpers/catalog.ts";

const catalog = demoCatalog();
const discovery = new Discovery({ catalog, search: new ToolSearch({ catalog }), maxLoadPerCall: 4, maxLoaded: 6 });
const errorOf = async (fn: () => unknown): Promise<{ code: string; message: string }> => {
  try {
    await fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("expected an error");
};

describe("search_functions", () => {
  it("should group the top matches of each request by app", async () => {
    const { results } = await discovery.searchFunctions({
      requests: [
        { query: "fetch emails download attachment", app_id: "outlook" },
        { query: "upload file", app_id: "dropbox" },
      ],
    });
    expect(results).toHaveLength(2);
    expect(results[0]?.groups.map((group) => group.app)).toEqual(["outlook"]);
    expect(results[0]?.groups[0]?.tools.map((tool) => tool.id)).toContain("outlook__get_attachment");
    expect(results[0]?.groups[0]?.tools[0]).toMatchObject({ access: "read-only" });
    expect(results[1]?.groups[0]?.tools[0]?.id).toBe("dropbox__upload_file");
  });

  it("should read back to the model as one line per hit, best first, without JSON or scores", async () => {
    const result = await discovery.searchFunctions({
      requests: [{ query: "download attachment", app_id: "outlook" }, { query: "teleport the cat" }],
    });
    const text = searchResultText(result);
    const hits = result.results[0]?.groups.flatMap((group) => group.tools) ?? [];
    const lines = text.split("\n");
    expect(lines[0]).toBe('"download attachment" in outlook:');
    expect(lines.slice(1, 1 + hits.length)).toEqual(
      hits.map((hit) => `- ${hit.id}${hit.access ? ` (${hit.access})` : ""}: ${hit.description}`),
    );
    expect(lines[1]).toMatch(/^- outlook__get_attachment \(read-only\): Download/);
    expect(lines[1 + hits.length]).toBe('"teleport the cat":');
    expect(lines[2 + hits.length]).toMatch(/^no relevant tools for "teleport the cat"/);
    expect(text).not.toMatch(/score|[{}]"/);
  });

  it("should name a loaded tool, or one described earlier in the same answer, by its id alone", async () => {
    const result = await discovery.searchFunctions({
      requests: [
        { query: "download attachment", app_id: "outlook" },
        { query: "get attachment of a message", app_id: "outlook" },
      ],
    });
    const [first, second] = result.results.map((request) => request.groups.flatMap((group) => group.tools));
    const repeated = second?.find((hit) => first?.some((other) => other.id === hit.id));
    expect(repeated).toBeDefined();
    const loaded = first?.find((hit) => hit.id !== repeated?.id)?.id as string;
    const lines = searchResultText(result, new Set([loaded])).split("\n");
    const about = (id: string | undefined) =>
      lines.filter((line) => line.startsWith(`- ${id} `) || line.startsWith(`- ${id}:`));
    expect(about(repeated?.id)).toEqual([expect.stringMatching(/: Download/), `- ${repeated?.id} (above)`]);
    expect(about(loaded).length).toBeGreaterThan(0);
    expect(new Set(about(loaded))).toEqual(new Set([`- ${loaded} (loaded)`]));
  });

  it("should say plainly when nothing is relevant and list the apps", async () => {
    const { results } = await discovery.searchFunctions({ requests: [{ query: "teleport the cat" }] });
    expect(results[0]?.groups).toEqual([]);
    expect(results[0]?.note).toMatch(/^no relevant tools for "teleport the cat"/);
    expect(results[0]?.note).toContain("gmail, google_calendar");
  });

  it("should refuse an unknown app_id with the list of apps and a near match", async () => {
    const error = await errorOf(() =>
      discovery.searchFunctions({ requests: [{ query: "list messages", app_id: "outlok" }] }),
    );
    expect(error.code).toBe("DISCOVERY_UNKNOWN_APP");
    expect(error.message).toContain('unknown app_id "outlok" (did you mean outlook?)');
    expect(error.message).toContain("Apps: adobe_sign, airtable");
  });

  it("should refuse malformed arguments in one line", async () => {
    for (const bad of [{}, { requests: [] }, { requests: [{ query: "" }] }, { requests: [{ q: "x" }] }]) {
      const error = await errorOf(() => discovery.searchFunctions(bad));
      expect(error.code).toBe("META_TOOL_BAD_ARGS");
      expect(error.message.startsWith("search_functions: ")).toBe(true);
    }
  });
});

describe("load_functions", () => {
  it("should return declarations for known ids and report unknown ones with suggestions", () => {
    const result = discovery.loadFunctions({ ids: ["gmail__send_message", "gmail__send_mesage", "nope__thing"] });
    expect(result.loaded).toEqual(["gmail__send_message"]);
    expect(result.unknown.map((u) => u.id)).toEqual(["gmail__send_mesage", "nope__thing"]);
    expect(result.unknown[0]?.suggestions).toContain("gmail__send_message");
    expect(result.declarations).toContain("function gmail__send_message(args: {");
    // The model is pointed at the pinned declarations rather than reading them twice.
    expect(loadResultText(result).split("\n")).toEqual([
      "loaded gmail__send_message: declared under LOADED TOOLS",
      `unknown id gmail__send_mesage (did you mean ${result.unknown[0]?.suggestions.join(", ")}?)`,
      `unknown id nope__thing${result.unknown[1]?.suggestions.length ? ` (did you mean ${result.unknown[1]?.suggestions.join(", ")}?)` : ""}`,
    ]);
  });

  it("should not count tools loaded before and cap how many load", async () => {
    const again = discovery.loadFunctions({ ids: ["gmail__send_message", "gmail__get_message"] }, [
      "gmail__send_message",
    ]);
    expect(again).toMatchObject({ loaded: ["gmail__get_message"], alreadyLoaded: ["gmail__send_message"] });
    const perCall = await errorOf(() => discovery.loadFunctions({ ids: ["a__1", "a__2", "a__3", "a__4", "a__5"] }));
    expect(perCall).toMatchObject({
      code: "DISCOVERY_TOO_MANY",
      message: expect.stringContaining("at most 4 ids at a time"),
    });
    const total = await errorOf(() =>
      discovery.loadFunctions({ ids: ["slack__post_message", "slack__list_users"] }, [
        "x__1",
        "x__2",
        "x__3",
        "x__4",
        "x__5",
      ]),
    );
    expect(total).toMatchObject({ code: "DISCOVERY_TOO_MANY", message: expect.stringContaining("may load 6 tools") });
  });
});

describe("declarations", () => {
  it("should be valid TypeScript with docs, optional fields, enums and the locked result type", () => {
    const schema = {
      type: "object",
      properties: {
        $top: { type: "integer", description: "Page size." },
        "odd-name": { type: "string" },
        order: { type: "string", enum: ["asc", "desc"], default: "desc" },
        tags: { type: "array", items: { type: "string" } },
        filter: { type: "object", additionalProperties: true, description: "Ends a comment */ early?" },
        message_id: { type: "string", description: "The message id." },
        query: { type: "string", description: "What to find.\nWords, or a phrase in quotes." },
      },
      required: ["$top"],
    };
    const locked = {
      type: "object",
      properties: {
        value: { type: "array", items: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } },
      },
      required: ["value"],
    };
    const text = declarationFor(entry("demo", "list_things", "Lists things.", true, schema), locked);
    expect(() => transformSync(text, { loader: "ts" })).not.toThrow();
    expect(text).toContain("$top: number;");
    expect(text).toContain('"odd-name"?: string;');
    expect(text).toContain('order?: "asc" | "desc";');
    expect(text).toContain("tags?: string[];");
    expect(text).toContain('Default: "desc".');
    // A result without docs is written on one line.
    expect(text).toContain("Promise<{ value: Array<{ id: string }> }>");
    expect(text).toContain("/** Lists things. (read-only) */");
    // A one-line doc trails its member; "*/" cannot end a line comment early.
    expect(text).toContain("$top: number; // Page size.");
    expect(text).toContain("filter?: Record<string, unknown>; // Ends a comment */ early?");
    // A doc that only says the name again is left out; one of several lines stays a block.
    expect(text).toMatch(/^ {4}message_id\?: string;$/m);
    expect(text).toContain(
      "/**\n     * What to find.\n     * Words, or a phrase in quotes.\n     */\n    query?: string;",
    );
  });

  it("should declare all loaded tools in one namespace and a shared result shape once", () => {
    const item = {
      type: "object",
      properties: {
        id: { type: "string" },
        name: { type: "string" },
        webUrl: { type: "string" },
        size: { type: "number" },
        createdDateTime: { type: "string" },
      },
      required: ["id", "name"],
    };
    const withOutput = (name: string, description: string) => ({
      ...entry("drive", name, description, false, { type: "object", properties: {} }),
      outputSchema: item,
    });
    const text = declarationsFor([withOutput("create_folder", "Creates."), withOutput("upload_file", "Uploads.")]);
    expect(() => transformSync(text, { loader: "ts" })).not.toThrow();
    expect(text.match(/declare namespace tools/g)).toHaveLength(1);
    expect(text.match(/webUrl\?: string/g)).toHaveLength(1);
    expect(text).toContain(
      "type DriveCreateFolderResult = { id: string; name: string; webUrl?: string; size?: number; createdDateTime?: string };",
    );
    expect(text.match(/Promise<DriveCreateFolderResult>/g)).toHaveLength(2);
    const defaultStated = entry("demo", "page", "Pages.", true, {
      type: "object",
      properties: { top: { type: "integer", description: "Page size. Default 10.", default: 10 } },
    });
    expect(declarationFor(defaultStated)).toContain("top?: number; // Page size. Default 10.\n");
  });

  it("should give every demo catalog tool a declaration that parses", () => {
    const all = catalog.all();
    const text = all.map((item) => declarationFor(item)).join("\n");
    expect(() => transformSync(text, { loader: "ts" })).not.toThrow();
    expect(all.length).toBeGreaterThan(1000);
  });

  it("should describe the meta-tools to the model as functions with JSON Schema parameters", () => {
    const [search, load] = discoveryToolDefinitions();
    expect(search?.function.name).toBe("search_functions");
    expect(search?.function.parameters).toMatchObject({ type: "object", required: ["requests"] });
    expect(load?.function.parameters).toMatchObject({ properties: { ids: { type: "array" } } });
    // Nothing the model does not act on: no $schema, no additionalProperties: false.
    expect(JSON.stringify([search, load])).not.toMatch(/\$schema|additionalProperties/);
  });
});
