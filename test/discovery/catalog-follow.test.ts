import { afterEach, describe, expect, it } from "vitest";
import { ToolCatalog } from "../../src/discovery/catalog.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { McpPool } from "../../src/mcp/pool.ts";
import { demoServer, fixtureServer, tempStateDir, waitFor } from "../helpers/demo.ts";

describe("ToolCatalog following an MCP pool", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it("should index real servers' tools and pick up tools/list_changed", async () => {
    const state = tempStateDir();
    const pool = new McpPool({
      config: {
        mcpServers: { outlook: demoServer("outlook", state.dir), changing: fixtureServer("changing-server.ts") },
      },
    });
    cleanups.push(() => pool.close(), state.cleanup);
    const catalog = new ToolCatalog();
    const failures = await catalog.follow(pool);
    expect(failures).toEqual([]);
    const search = new ToolSearch({ catalog });
    expect(catalog.apps().map((app) => app.id)).toEqual(["changing", "outlook"]);
    expect(search.searchLexical({ query: "list messages" })[0]?.id).toBe("outlook__list_messages");
    expect(search.searchLexical({ query: "appeared later" })).toEqual([]);

    await pool.call("changing__add_tool", {});
    await waitFor(() => catalog.get("changing__added_later") !== undefined);
    expect(search.searchLexical({ query: "appeared later" })[0]?.id).toBe("changing__added_later");
    expect(catalog.get("changing__added_later")).toMatchObject({ readOnly: true, params: [{ name: "n" }] });
  });

  it("should report a server that cannot start and still index the others", async () => {
    const state = tempStateDir();
    const pool = new McpPool({
      config: {
        mcpServers: {
          outlook: demoServer("outlook", state.dir),
          broken: { command: "/nonexistent", args: [], env: {} },
        },
      },
    });
    cleanups.push(() => pool.close(), state.cleanup);
    const catalog = new ToolCatalog();
    const failures = await catalog.follow(pool);
    expect(failures.map((failure) => failure.app)).toEqual(["broken"]);
    expect(catalog.size).toBe(4);
  });
});
