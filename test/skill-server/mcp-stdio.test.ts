import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { CODEMEM_BIN } from "../helpers/cli.ts";
import { rawRequest } from "../helpers/console-client.ts";

describe("codemem mcp: the approved skills over stdio, for desktop clients", () => {
  let app: TestConsoleApp;

  beforeAll(async () => {
    // No CODEMEM_MCP_TOKEN: /mcp is off, stdio still serves (its access is the machine's).
    app = await startTestConsoleApp({ DEMO_MAILBOX_SIZE: "60", CODEMEM_MCP_CALLER: "console:carol" });
  }, 120_000);
  afterAll(async () => app?.close());

  it("keeps /mcp off without a token", async () => {
    const reply = await rawRequest(`${app.web.url}mcp`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(reply.status).toBe(404);
    expect(reply.body).toContain("CODEMEM_MCP_TOKEN");
  });

  it("lists and calls a skill through the SDK's stdio client; the app's workers run it", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CODEMEM_BIN, "mcp"],
      env: { ...(process.env as Record<string, string>), ...app.env, CODEMEM_LOG_LEVEL: "warn" },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: "desktop", version: "1.0.0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining(["archive-attachments", "codemem_run_status"]),
      );
      const result = await client.callTool(
        { name: "archive-attachments", arguments: { days: 5, useMemory: false } },
        undefined,
        { timeout: 120_000 },
      );
      expect(result.isError, JSON.stringify(result.content) + stderr).toBeFalsy();
      const outcome = result.structuredContent as { runId: string; status: string; total: number; done: number };
      expect(outcome.status).toBe("completed");
      expect(outcome.done).toBe(outcome.total);
      expect((await app.app.runtime.status(outcome.runId))?.requester).toBe("console:carol");
    } finally {
      await client.close();
    }
  }, 150_000);
});
