import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { readBody } from "../../http/read-body.ts";
import { CATALOG_APPS } from "./apps.ts";
import type { AppSpec } from "./spec.ts";
import { catalogTools } from "./tools.ts";

export interface CatalogServerOptions {
  /** Default: 0 (a free port). */
  port?: number | undefined;
  /** Default: 127.0.0.1. */
  host?: string | undefined;
  /** Tools per tools/list page, so clients must follow nextCursor. Default: 50. */
  pageSize?: number | undefined;
  /** Default: CATALOG_APPS. */
  apps?: readonly AppSpec[] | undefined;
}

export interface RunningCatalog {
  port: number;
  apps: readonly AppSpec[];
  /** Streamable HTTP endpoint of one app. */
  url(appId: string): string;
  /** `{"mcpServers": …}` entries for every app. */
  mcpServers(): Record<string, { url: string }>;
  close(): Promise<void>;
}

/**
 * Serves every catalog app as its own MCP server over streamable HTTP at `/mcp/<app>` from one
 * process, the way tool gateways expose many apps. Stateless: one MCP server object per request.
 * Calls return canned data marked as such.
 */
export async function startCatalogServer(options: CatalogServerOptions = {}): Promise<RunningCatalog> {
  const apps = options.apps ?? CATALOG_APPS;
  const pageSize = options.pageSize ?? 50;
  const toolsByApp = new Map(apps.map((app) => [app.id, catalogTools(app)]));
  const host = options.host ?? "127.0.0.1";

  const http: HttpServer = createServer(async (req, res) => {
    const match = /^\/mcp\/([A-Za-z0-9_]+)\/?$/.exec(new URL(req.url ?? "/", "http://x").pathname);
    const app = match ? apps.find((a) => a.id === match[1]) : undefined;
    if (!app) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "unknown app; use /mcp/<app>" }));
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    try {
      const body = JSON.parse(await readBody(req)) as unknown;
      const server = appServer(app, toolsByApp.get(app.id) ?? [], pageSize);
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true }); // no sessionIdGenerator: stateless;
      res.on("close", () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end(
            JSON.stringify({ jsonrpc: "2.0", error: { code: -32700, message: (error as Error).message }, id: null }),
          );
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = (appId: string) => `http://${host}:${port}/mcp/${appId}`;
  return {
    port,
    apps,
    url,
    mcpServers: () => Object.fromEntries(apps.map((app) => [app.id, { url: url(app.id) }])),
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

function appServer(app: AppSpec, tools: Tool[], pageSize: number): Server {
  const server = new Server(
    { name: app.id, version: "1.0.0" },
    { capabilities: { tools: {} }, instructions: app.summary },
  );
  server.setRequestHandler(ListToolsRequestSchema, (request) => {
    const offset = Number(request.params?.cursor ?? 0) || 0;
    const page = tools.slice(offset, offset + pageSize);
    const next = offset + pageSize < tools.length ? String(offset + pageSize) : undefined;
    return next === undefined ? { tools: page } : { tools: page, nextCursor: next };
  });
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = tools.find((candidate) => candidate.name === request.params.name);
    if (!tool) {
      return {
        isError: true,
        content: [
          {
            type: "text",
            text: JSON.stringify({
              status: 404,
              error: { code: "toolNotFound", message: `${app.id} has no tool ${request.params.name}` },
            }),
          },
        ],
      };
    }
    const canned = tool.annotations?.readOnlyHint
      ? {
          demo: true,
          app: app.id,
          tool: tool.name,
          items: [],
          note: `${app.name} is a demo catalog app: calls return canned data`,
        }
      : { demo: true, app: app.id, tool: tool.name, id: `demo-${Date.now().toString(36)}`, status: "accepted" };
    return { content: [{ type: "text", text: JSON.stringify(canned) }] };
  });
  return server;
}
