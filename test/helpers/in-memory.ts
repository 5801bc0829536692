import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { unwrapToolResult } from "../../src/mcp/unwrap.ts";

/** A real MCP client/server pair over the SDK's in-memory transport: fast protocol tests. */
export async function connectInMemory(server: McpServer): Promise<{
  client: Client;
  call: (tool: string, args?: Record<string, unknown>, meta?: Record<string, unknown>) => Promise<unknown>;
  close: () => Promise<void>;
}> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "1.0.0" });
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    call: async (tool, args = {}, meta) =>
      unwrapToolResult(
        tool,
        await client.callTool(meta ? { name: tool, arguments: args, _meta: meta } : { name: tool, arguments: args }),
      ),
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}
