import { createRequire } from "node:module";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCatalogServer, type RunningCatalog } from "../../src/demo/catalog/server.ts";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import type { McpConfig } from "../../src/mcp/config-file.ts";
import { McpPool } from "../../src/mcp/pool.ts";
import { demoConfig, demoServer, fixtureServer, tempStateDir, waitFor } from "../helpers/demo.ts";

const pools: McpPool[] = [];
const cleanups: (() => void)[] = [];
function pool(config: McpConfig, options: Partial<ConstructorParameters<typeof McpPool>[0]> = {}): McpPool {
  const created = new McpPool({ config, restartInitialMs: 50, ...options });
  pools.push(created);
  return created;
}
function stateDir(): string {
  const { dir, cleanup } = tempStateDir();
  cleanups.push(cleanup);
  return dir;
}
async function codeOf(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; retryAfterMs?: number; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("expected a rejection");
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("McpPool with the demo servers over stdio", () => {
  it("should list tools with ids, annotations and output schemas", async () => {
    const mcp = pool(demoConfig(stateDir()));
    const tools = await mcp.listTools();
    const byId = new Map(tools.map((tool) => [tool.id, tool]));
    expect([...byId.keys()].sort()).toEqual([
      "onedrive__create_folder",
      "onedrive__list_children",
      "onedrive__upload_file",
      "outlook__get_attachment",
      "outlook__get_message",
      "outlook__list_attachments",
      "outlook__list_messages",
    ]);
    expect(byId.get("outlook__list_messages")).toMatchObject({
      readOnly: true,
      destructive: false,
      name: "list_messages",
    });
    expect(byId.get("onedrive__upload_file")).toMatchObject({ readOnly: false, destructive: true });
    expect(byId.get("onedrive__create_folder")).toMatchObject({ readOnly: false, destructive: false });
    expect(byId.get("onedrive__create_folder")?.outputSchema).toMatchObject({ type: "object" });
  });

  it("should connect lazily: nothing starts until a server is used", async () => {
    const mcp = pool(demoConfig(stateDir()));
    expect(mcp.apps()).toEqual(["outlook", "onedrive"]);
    expect(mcp.connection("outlook").connected).toBe(false);
    await mcp.listTools("outlook");
    expect(mcp.connection("outlook").connected).toBe(true);
    expect(mcp.connection("onedrive").connected).toBe(false);
  });

  it("should unwrap JSON text content into a Graph envelope", async () => {
    const mcp = pool(demoConfig(stateDir()));
    const page = (await mcp.call("outlook__list_messages", { $top: 3 })) as Record<string, unknown>;
    expect(page["@odata.context"]).toContain("$metadata#users");
    expect(page.value).toHaveLength(3);
    expect(new URL(String(page["@odata.nextLink"])).searchParams.get("$skip")).toBe("3");
  });

  it("should unwrap structuredContent first", async () => {
    const dir = stateDir();
    const mcp = pool(demoConfig(dir));
    const folder = (await mcp.call("onedrive__create_folder", { parent_path: "/", name: "Archive" })) as Record<
      string,
      unknown
    >;
    expect(folder).toMatchObject({ name: "Archive", folder: { childCount: 0 } });
  });

  it("should turn an isError result into a typed error with the tool's own code", async () => {
    const mcp = pool(demoConfig(stateDir()));
    await mcp.call("onedrive__create_folder", { parent_path: "/", name: "Contoso" });
    const error = await codeOf(mcp.call("onedrive__create_folder", { parent_path: "/", name: "Contoso" }));
    expect(error.code).toBe("TOOL_ERROR");
    expect(error.message).toContain("nameAlreadyExists");
    expect(error.details).toMatchObject({ status: 409, toolCode: "nameAlreadyExists" });
  });

  it("should surface a 429 as MCP_RATE_LIMITED with retry-after", async () => {
    const mcp = pool({ mcpServers: { outlook: demoServer("outlook", stateDir(), { DEMO_RATE_LIMIT: "2" }) } });
    await mcp.call("outlook__list_messages", { $top: 1 });
    await mcp.call("outlook__list_messages", { $top: 1 });
    const error = await codeOf(mcp.call("outlook__list_messages", { $top: 1 }));
    expect(error.code).toBe("MCP_RATE_LIMITED");
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it("should say which tool is unknown and suggest near names", async () => {
    const mcp = pool(demoConfig(stateDir()));
    const misspelt = await codeOf(mcp.call("outlook__list_mesages", {}));
    expect(misspelt.code).toBe("MCP_UNKNOWN_TOOL");
    expect(misspelt.message).toContain("outlook__list_messages");
    const noApp = await codeOf(mcp.call("gmail__list_messages", {}));
    expect(noApp.code).toBe("MCP_UNKNOWN_TOOL");
    expect(noApp.message).toContain("outlook, onedrive");
    expect(() => mcp.connection("gmail")).toThrow(/there is no app "gmail"/);
  });

  it("should fail a call to a server that never answers with MCP_TIMEOUT and keep the server usable", async () => {
    const mcp = pool(
      { mcpServers: { outlook: demoServer("outlook", stateDir(), { DEMO_HANG_TOOLS: "get_message" }) } },
      { callTimeoutMs: 400 },
    );
    const error = await codeOf(mcp.call("outlook__get_message", { message_id: "x" }));
    expect(error.code).toBe("MCP_TIMEOUT");
    expect(error.message).toContain("400 ms");
    const page = (await mcp.call("outlook__list_messages", { $top: 1 })) as { value: unknown[] };
    expect(page.value).toHaveLength(1);
  });

  it("should fail to connect to a process that never initializes with MCP_CONNECT_TIMEOUT", async () => {
    const mcp = pool(
      {
        mcpServers: {
          mute: {
            command: process.execPath,
            args: ["-e", "process.stdin.resume(); setInterval(() => {}, 1000)"],
            env: {},
          },
        },
      },
      { connectTimeoutMs: 400 },
    );
    const error = await codeOf(mcp.listTools("mute"));
    expect(error.code).toBe("MCP_CONNECT_TIMEOUT");
  });

  it("should fail to start a missing command with MCP_CONNECT_FAILED", async () => {
    const mcp = pool({ mcpServers: { ghost: { command: "/nonexistent/mcp-server", args: [], env: {} } } });
    const listings = await mcp.listApps();
    expect(listings[0]?.error?.code).toBe("MCP_CONNECT_FAILED");
    expect(listings[0]?.error?.message).toMatch(/ghost/);
  });

  it("should reject a call whose server is killed mid-call, then restart it", async () => {
    const dir = stateDir();
    const mcp = pool({ mcpServers: { outlook: demoServer("outlook", dir, { DEMO_LATENCY_MS: "1500" }) } });
    await mcp.listTools("outlook");
    const firstPid = mcp.connection("outlook").pid;
    expect(firstPid).toBeGreaterThan(0);
    const pending = codeOf(mcp.call("outlook__list_messages", { $top: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(firstPid as number, "SIGKILL");
    const error = await pending;
    expect(error.code).toBe("MCP_SERVER_DIED");
    const page = (await mcp.call("outlook__list_messages", { $top: 2 })) as { value: unknown[] };
    expect(page.value).toHaveLength(2);
    expect(mcp.connection("outlook").pid).not.toBe(firstPid);
  });

  it("should restart a crashed stdio server by itself and report its tools again", async () => {
    const dir = stateDir();
    const mcp = pool({ mcpServers: { outlook: demoServer("outlook", dir, { DEMO_CRASH_AFTER: "2" }) } });
    const changes: string[] = [];
    mcp.onToolsChanged((app) => changes.push(app));
    await mcp.call("outlook__list_messages", { $top: 1 });
    const crash = await codeOf(mcp.call("outlook__list_messages", { $top: 1 }));
    expect(crash.code).toBe("MCP_SERVER_DIED");
    expect(crash.message).toContain("crashing on purpose");
    await waitFor(() => changes.length >= 2 && mcp.connection("outlook").connected);
    expect(readDemoCounters(dir).calls.outlook__list_messages).toBe(2);
  });

  it("should follow notifications/tools/list_changed", async () => {
    const mcp = pool({ mcpServers: { changing: fixtureServer("changing-server.ts") } });
    const before = await mcp.listTools("changing");
    expect(before.map((tool) => tool.id)).toEqual(["changing__add_tool"]);
    const seen: string[][] = [];
    mcp.onToolsChanged((_app, tools) => seen.push(tools.map((tool) => tool.id)));
    await mcp.call("changing__add_tool", {});
    await waitFor(() => seen.length > 0);
    expect(seen.at(-1)).toEqual(["changing__add_tool", "changing__added_later"]);
    expect(await mcp.call("changing__added_later", { n: 21 })).toEqual({ doubled: 42 });
  });
});

describe("McpPool with a published MCP server (@modelcontextprotocol/server-everything)", () => {
  const entry = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");

  it("should map dashed tool names to identifiers and call back with the server's own name", async () => {
    const mcp = pool({ mcpServers: { everything: { command: process.execPath, args: [entry, "stdio"], env: {} } } });
    const tools = await mcp.listTools("everything");
    const sum = tools.find((tool) => tool.name === "get-sum");
    expect(sum?.id).toBe("everything__get_sum");
    const result = await mcp.call("everything__get_sum", { a: 2, b: 3 });
    expect(JSON.stringify(result)).toContain("5");
    const weather = await mcp.call("everything__get_structured_content", { location: "Chicago" });
    expect(weather).toMatchObject({ temperature: expect.any(Number), conditions: expect.any(String) });
  });
});

describe("McpPool over streamable HTTP (the demo catalog)", () => {
  let catalog: RunningCatalog;
  beforeAll(async () => {
    catalog = await startCatalogServer({ pageSize: 7 });
  });
  afterAll(async () => {
    await catalog.close();
  });

  it("should follow tools/list pagination to the end", async () => {
    const mcp = pool({
      mcpServers: {
        gmail: { url: catalog.url("gmail"), headers: {} },
        dropbox: { url: catalog.url("dropbox"), headers: {} },
      },
    });
    const gmail = await mcp.listTools("gmail");
    expect(gmail.length).toBe(22);
    expect(new Set(gmail.map((tool) => tool.id)).size).toBe(22);
    const result = (await mcp.call("dropbox__search_files", { query: "invoice" })) as Record<string, unknown>;
    expect(result).toMatchObject({ demo: true, app: "dropbox", tool: "search_files" });
  });

  it("should report an HTTP server that is down as MCP_CONNECT_FAILED", async () => {
    const mcp = pool(
      { mcpServers: { gone: { url: "http://127.0.0.1:9/mcp/gone", headers: {} } } },
      { connectTimeoutMs: 2000 },
    );
    const error = await codeOf(mcp.listTools("gone"));
    expect(error.code).toBe("MCP_CONNECT_FAILED");
  });
});
