import { silentLogger, type Logger } from "../ops/logger.ts";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ToolListChangedNotificationSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { isStdioServer, type McpServerConfig } from "./config-file.ts";
import { CodedError } from "../errors.ts";
import { describeTool, unknownTool } from "./descriptor.ts";
import { classifyCallFailure } from "./errors.ts";
import { assignToolIds } from "./tool-id.ts";
import type { ToolCallOptions, ToolDescriptor } from "./types.ts";
import { unwrapToolResult } from "./unwrap.ts";

export interface ServerConnectionOptions {
  /** The app id (server name as an identifier). */
  app: string;
  config: McpServerConfig;
  /** Limit for one tool call. Default: 30,000 ms. */
  callTimeoutMs?: number | undefined;
  /** Limit for starting and initializing the server. Default: 15,000 ms. */
  connectTimeoutMs?: number | undefined;
  /** First wait before restarting a crashed server; doubles per failure. Default: 250 ms. */
  restartInitialMs?: number | undefined;
  /** Longest wait between restarts. Default: 30,000 ms. */
  restartMaxMs?: number | undefined;
  /** Called with the list each time it is (re)read: first use, tools/list_changed, a restart. */
  onToolsChanged?: ((app: string, tools: ToolDescriptor[]) => void) | undefined;
  /** Diagnostics (server stderr, restarts). Default: ignored. */
  log?: Logger | undefined;
}

const STDERR_LINES_KEPT = 20;
/** A server that stays up this long is healthy again: its restart back-off starts over. */
const STABLE_AFTER_MS = 10_000;

/**
 * One MCP server: connected lazily on first use, restarted with back-off when a stdio process dies,
 * tools listed with pagination and kept current on notifications/tools/list_changed.
 */
export class ServerConnection {
  readonly app: string;
  private readonly config: McpServerConfig;
  private readonly callTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly restartInitialMs: number;
  private readonly restartMaxMs: number;
  private readonly onToolsChanged: ServerConnectionOptions["onToolsChanged"];
  private readonly log: Logger;

  private client: Client | undefined;
  private transport: Transport | undefined;
  private connecting: Promise<Client> | undefined;
  private tools: ToolDescriptor[] | undefined;
  private byId = new Map<string, ToolDescriptor>();
  private failures = 0;
  private connectedAt = 0;
  private nextAttemptAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private lastFailure: string | undefined;
  private closed = false;
  private serverSummary: string | undefined;
  private readonly stderrTail: string[] = [];

  constructor(options: ServerConnectionOptions) {
    this.app = options.app;
    this.config = options.config;
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
    this.restartInitialMs = options.restartInitialMs ?? 250;
    this.restartMaxMs = options.restartMaxMs ?? 30_000;
    this.onToolsChanged = options.onToolsChanged;
    this.log = (options.log ?? silentLogger).child({ app: this.app });
  }

  get transportKind(): "stdio" | "http" {
    return isStdioServer(this.config) ? "stdio" : "http";
  }

  /** The process id of a running stdio server (tests kill it to prove restarts). */
  get pid(): number | undefined {
    return this.transport instanceof StdioClientTransport ? (this.transport.pid ?? undefined) : undefined;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** What the server said about itself at initialization (instructions, else its title). */
  get summary(): string | undefined {
    return this.serverSummary;
  }

  /** Tools as last listed, without connecting. */
  cachedTools(): ToolDescriptor[] | undefined {
    return this.tools;
  }

  async listTools(): Promise<ToolDescriptor[]> {
    if (this.tools !== undefined && this.client !== undefined) return this.tools;
    const client = await this.ensureClient();
    return this.tools ?? (await this.refreshTools(client));
  }

  async describe(id: string): Promise<ToolDescriptor | undefined> {
    await this.listTools();
    return this.byId.get(id);
  }

  async call(id: string, args: unknown, options: ToolCallOptions = {}): Promise<unknown> {
    const tool = await this.describe(id);
    if (tool === undefined) throw unknownTool(id, this.app, this.tools ?? []);
    const timeoutMs = options.timeoutMs ?? this.callTimeoutMs;
    const client = await this.ensureClient(timeoutMs);
    const params: { name: string; arguments: Record<string, unknown>; _meta?: Record<string, unknown> } = {
      name: tool.name,
      arguments: (args ?? {}) as Record<string, unknown>,
    };
    if (options.meta !== undefined) params._meta = options.meta;
    let result: Awaited<ReturnType<Client["callTool"]>>;
    try {
      result = await client.callTool(params, undefined, {
        timeout: timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw classifyCallFailure(this.app, id, this.withStderr(error), timeoutMs);
    }
    return unwrapToolResult(id, result);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    await client?.close().catch(() => {});
  }

  private async ensureClient(waitBudgetMs = this.connectTimeoutMs): Promise<Client> {
    if (this.client !== undefined) return this.client;
    if (this.closed) throw new CodedError("MCP_CLOSED", `the ${this.app} connection is closed`);
    if (this.connecting === undefined) {
      const wait = this.nextAttemptAt - Date.now();
      if (wait > waitBudgetMs) {
        throw new CodedError(
          "MCP_SERVER_DOWN",
          `the ${this.app} MCP server is down (${this.lastFailure ?? "it stopped"}); next restart in ${Math.ceil(wait / 1000)} s`,
          { retryable: true, retryAfterMs: wait, details: { app: this.app } },
        );
      }
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.connecting ??= this.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    clearTimeout(this.restartTimer);
    const client = new Client({ name: "codemem", version: "0.1.0" }, { capabilities: {} });
    const transport = this.createTransport();
    let settled = false;
    client.onclose = () => {
      if (!settled || this.client !== client) return;
      this.onUnexpectedClose(client);
    };
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      if (this.client !== client) return;
      try {
        await this.refreshTools(client);
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, "refreshing tools after list_changed failed");
      }
    });
    try {
      await client.connect(transport, { timeout: this.connectTimeoutMs });
    } catch (error) {
      await client.close().catch(() => {});
      this.noteFailure(this.withStderr(error));
      const message = (error as Error).message ?? String(error);
      const timedOut = (error as { code?: unknown }).code === -32001 || /timed out/i.test(message);
      throw new CodedError(
        timedOut ? "MCP_CONNECT_TIMEOUT" : "MCP_CONNECT_FAILED",
        timedOut
          ? `the ${this.app} MCP server did not finish starting within ${this.connectTimeoutMs} ms`
          : `cannot start the ${this.app} MCP server: ${this.lastFailure ?? message}`,
        { retryable: true, details: { app: this.app }, cause: error },
      );
    }
    settled = true;
    const info = client.getServerVersion();
    this.serverSummary = client.getInstructions()?.split("\n")[0] ?? info?.title ?? undefined;
    this.client = client;
    this.transport = transport;
    this.connectedAt = Date.now();
    const hadTools = this.tools !== undefined;
    this.tools = undefined;
    if (hadTools) {
      // A restart: the server may have changed its tools while it was away.
      await this.refreshTools(client).catch((error: unknown) => {
        this.log.warn({ err: (error as Error).message }, "listing tools after a restart failed");
      });
    }
    return client;
  }

  private createTransport(): Transport {
    const config = this.config;
    if (isStdioServer(config)) {
      const transport = new StdioClientTransport({
        command: config.command,
        args: config.args,
        env: { ...getDefaultEnvironment(), ...config.env },
        ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
        stderr: "pipe",
      });
      transport.stderr?.on("data", (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split("\n")) {
          if (line.trim() === "") continue;
          this.stderrTail.push(line);
          if (this.stderrTail.length > STDERR_LINES_KEPT) this.stderrTail.shift();
          // A server's stderr is its own log: kept at debug, since it may echo what it was sent.
          this.log.debug({ stderr: line }, "mcp server output");
        }
      });
      return transport;
    }
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
  }

  private async refreshTools(client: Client): Promise<ToolDescriptor[]> {
    const listed: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: this.connectTimeoutMs });
      listed.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const ids = assignToolIds(
      this.app,
      listed.map((tool) => tool.name),
    );
    const tools = listed.map((tool) => describeTool(this.app, ids.get(tool.name) as string, tool));
    if (this.client !== client && this.client !== undefined) return tools;
    this.tools = tools;
    this.byId = new Map(tools.map((tool) => [tool.id, tool]));
    this.onToolsChanged?.(this.app, tools);
    return tools;
  }

  private onUnexpectedClose(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.transport = undefined;
    if (this.closed) return;
    if (Date.now() - this.connectedAt >= STABLE_AFTER_MS) this.failures = 0;
    this.noteFailure(new Error(this.stderrTail.at(-1) ?? "the connection closed"));
    const delay = this.nextAttemptAt - Date.now();
    this.log.warn({ reason: this.lastFailure, delayMs: delay }, "mcp server stopped; restarting");
    if (this.tools !== undefined && this.transportKind === "stdio") {
      // Restart eagerly so the catalog sees the server again without waiting for the next call.
      this.restartTimer = setTimeout(() => {
        if (this.client === undefined && this.connecting === undefined && !this.closed) {
          this.connecting = this.connect().finally(() => {
            this.connecting = undefined;
          });
          this.connecting.catch(() => {});
        }
      }, delay);
      this.restartTimer.unref();
    }
  }

  private noteFailure(error: unknown): void {
    this.failures += 1;
    this.lastFailure = error instanceof Error ? error.message : String(error);
    const backoff = Math.min(this.restartInitialMs * 2 ** (this.failures - 1), this.restartMaxMs);
    this.nextAttemptAt = Date.now() + backoff;
  }

  private withStderr(error: unknown): unknown {
    const last = this.stderrTail.at(-1);
    if (last === undefined || !(error instanceof Error) || error.message.includes(last)) return error;
    const wrapped = new Error(`${error.message} (server stderr: ${last})`);
    Object.assign(wrapped, { code: (error as { code?: unknown }).code });
    return wrapped;
  }
}
