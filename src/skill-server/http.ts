import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { readBody } from "../http/read-body.ts";
import type { SkillServers } from "./servers.ts";

/** Sessions one process keeps at once; the longest idle goes first beyond it. */
const MAX_SESSIONS = 200;
/** A session nobody used for this long is closed (clients that vanished without a DELETE). */
const IDLE_MS = 30 * 60_000;

interface Session {
  transport: StreamableHTTPServerTransport;
  lastUsed: number;
}

/** The MCP endpoint over HTTP: what the console serves at /mcp. */
export interface SkillMcpEndpoint {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

/**
 * MCP over streamable HTTP (sessions, SSE for notifications), behind a bearer token: no token or a
 * wrong one is 401 before anything else is read. Each session has its own server from `servers`.
 */
export function skillMcpEndpoint(servers: SkillServers, token: string): SkillMcpEndpoint {
  const sessions = new Map<string, Session>();
  const expected = digest(token);
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [id, session] of sessions) if (now - session.lastUsed > IDLE_MS) void closeSession(id);
  }, 60_000).unref();

  async function closeSession(id: string): Promise<void> {
    const session = sessions.get(id);
    sessions.delete(id);
    await session?.transport.close().catch(() => {});
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers.authorization ?? "";
    const offered = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (offered === undefined || !timingSafeEqual(digest(offered), expected)) {
      res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="codemem"' });
      res.end(
        JSON.stringify({
          jsonrpc: "2.0",
          error: {
            code: -32001,
            message: offered === undefined ? "send Authorization: Bearer <CODEMEM_MCP_TOKEN>" : "wrong token",
          },
          id: null,
        }),
      );
      return;
    }
    let body: unknown;
    if (req.method === "POST") {
      try {
        body = JSON.parse(await readBody(req, 4_000_000));
      } catch (error) {
        const tooLarge = (error as { code?: string }).code === "BODY_TOO_LARGE";
        return rpcError(res, tooLarge ? 413 : 400, -32700, tooLarge ? "request too large" : "not JSON");
      }
    }
    const id = req.headers["mcp-session-id"];
    const known = typeof id === "string" ? sessions.get(id) : undefined;
    if (known !== undefined) {
      known.lastUsed = Date.now();
      return known.transport.handleRequest(req, res, body);
    }
    if (req.method !== "POST" || !isInitializeRequest(body))
      return rpcError(
        res,
        typeof id === "string" ? 404 : 400,
        -32000,
        typeof id === "string" ? "unknown or expired session: initialize again" : "initialize first",
      );
    if (sessions.size >= MAX_SESSIONS) {
      const oldest = [...sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (oldest !== undefined) await closeSession(oldest[0]);
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        sessions.set(sessionId, { transport, lastUsed: Date.now() });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await servers.open().connect(transport);
    await transport.handleRequest(req, res, body);
  }

  return {
    async handle(req, res) {
      try {
        await handle(req, res);
      } catch (error) {
        // Mid-stream (SSE) there is nothing left to answer with but the end.
        if (res.headersSent) res.end();
        else rpcError(res, 500, -32603, (error as Error).message);
      }
    },
    async close() {
      clearInterval(sweep);
      await Promise.all([...sessions.keys()].map(closeSession));
      await servers.close();
    },
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}
