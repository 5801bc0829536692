import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest } from "../helpers/console-client.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { waitFor } from "../helpers/demo.ts";

const TOKEN = "mcp-test-token-0123456789abcdef";

/** The MCP SDK's own client over streamable HTTP, as an agent elsewhere would connect. */
async function connect(url: string, token = TOKEN): Promise<Client> {
  const client = new Client({ name: "outside-agent", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL("mcp", url), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

describe("approved skills as MCP tools over streamable HTTP", () => {
  let app: TestConsoleApp;
  let url: string;

  beforeAll(async () => {
    app = await startTestConsoleApp({
      CODEMEM_MCP_TOKEN: TOKEN,
      CODEMEM_MCP_CALLER: "console:agent-bob",
      CODEMEM_LIMIT_RUNS_PER_HOUR: "3",
      DEMO_MAILBOX_SIZE: "60",
    });
    url = app.web.url;
  }, 120_000);
  afterAll(async () => app?.close());

  it("answers no token and a wrong token with 401, before reading anything", async () => {
    const initialize = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } },
    });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const none = await rawRequest(`${url}mcp`, { method: "POST", headers, body: initialize });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toContain("Bearer");
    const wrong = await rawRequest(`${url}mcp`, {
      method: "POST",
      headers: { ...headers, authorization: "Bearer not-the-token-at-all-000000" },
      body: initialize,
    });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toBe("wrong token");
    await expect(connect(url, "another-wrong-token-1234567890")).rejects.toThrow();
  });

  it("lists each approved skill as a tool with its params and hints, and the run status tool", async () => {
    const client = await connect(url);
    const { tools } = await client.listTools();
    const archive = tools.find((tool) => tool.name === "archive-attachments");
    expect(archive?.description).toContain("Archive PDF/XLSX attachments");
    expect(archive?.inputSchema.properties).toHaveProperty("days");
    // It uploads (destructive) and creates folders: neither read-only nor harmless.
    expect(archive?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(tools.map((tool) => tool.name)).toContain("codemem_run_status");
    await client.close();
  });

  it("runs a call on the workers as the token's person, with progress, and returns the outcome", async () => {
    const client = await connect(url);
    const progress: number[] = [];
    const result = await client.callTool(
      { name: "archive-attachments", arguments: { days: 10, useMemory: false } },
      undefined,
      { onprogress: (note) => void progress.push(note.progress), timeout: 120_000 },
    );
    expect(result.isError).toBeFalsy();
    const outcome = result.structuredContent as Record<string, unknown> & {
      runId: string;
      items: { key: string; outcome: string }[];
    };
    expect(outcome).toMatchObject({ skill: "archive-attachments", status: "completed", finished: true, failed: 0 });
    expect(outcome.total).toBeGreaterThan(0);
    expect(Number(outcome.done) + Number(outcome.skipped)).toBe(outcome.total);
    expect(outcome.items.length).toBe(Math.min(50, Number(outcome.total)));
    expect(outcome.items[0]?.outcome).toBe("done");
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(outcome.total);
    const text = (result.content as { type: string; text: string }[])[0]?.text ?? "";
    expect(text).toContain(`Run ${outcome.runId} of archive-attachments`);
    // The same run as /codemem status sees it: requested by the token's person.
    expect((await app.app.runtime.status(outcome.runId))?.requester).toBe("console:agent-bob");
    const status = await client.callTool({ name: "codemem_run_status", arguments: { runId: outcome.runId } });
    expect(status.structuredContent).toMatchObject({ runId: outcome.runId, status: "completed", done: outcome.done });
    await client.close();
  }, 150_000);

  it("says what is wrong with bad params, an unknown skill and an unknown run, as tool errors", async () => {
    const client = await connect(url);
    const bad = await client.callTool({ name: "archive-attachments", arguments: { days: "soon" } });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("days");
    const unknown = await client.callTool({ name: "no-such-skill", arguments: {} });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('there is no skill \\"no-such-skill\\"');
    const gone = await client.callTool({ name: "codemem_run_status", arguments: { runId: "r-nothing" } });
    expect(gone.isError).toBe(true);
    await client.close();
  });

  it("tells every connected client when a skill changes (save, rollback)", async () => {
    const first = await connect(url);
    const second = await connect(url);
    let heard = 0;
    for (const client of [first, second])
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => void heard++);
    const current = await app.app.skills.require("archive-attachments");
    const saved = await app.app.skills.save({
      ...current,
      description: "Archive attachments, second version",
      author: "console:alice",
      approver: "console:alice",
    });
    await waitFor(async () => heard >= 2, 10_000);
    const { tools } = await first.listTools();
    expect(tools.find((tool) => tool.name === "archive-attachments")?.description).toContain("second version");
    await app.app.skills.rollback("archive-attachments", saved.version - 1);
    await waitFor(async () => heard >= 4, 10_000);
    await first.close();
    await second.close();
  });

  it("keeps the caller's run limits: past them a call is refused with when it frees", async () => {
    const client = await connect(url);
    const results = [];
    // The run above counted once; two more reach the hourly limit of 3.
    for (let i = 0; i < 3; i++)
      results.push(
        await client.callTool({ name: "archive-attachments", arguments: { days: 1 } }, undefined, { timeout: 120_000 }),
      );
    expect(results.slice(0, 2).every((result) => !result.isError)).toBe(true);
    expect(results[2]?.isError).toBe(true);
    expect(JSON.stringify(results[2]?.content)).toMatch(/3 runs in the last hour/);
    await client.close();
  }, 200_000);
});
