import type { Logger } from "../ops/logger.ts";
import { CodedError, userError } from "../errors.ts";
import type { McpConfig } from "./config-file.ts";
import { ServerConnection } from "./connection.ts";
import { unknownTool } from "./descriptor.ts";
import { toIdentifier } from "./tool-id.ts";
import type { ToolCallOptions, ToolCaller, ToolDescriptor } from "./types.ts";

export interface McpPoolOptions {
  /** Parsed `{"mcpServers": {...}}`. */
  config: McpConfig;
  /** Limit for one tool call. Default: 30,000 ms. */
  callTimeoutMs?: number | undefined;
  /** Limit for starting and initializing a server. Default: 15,000 ms. */
  connectTimeoutMs?: number | undefined;
  /** First restart delay after a crash; doubles per failure up to restartMaxMs. Default: 250 ms. */
  restartInitialMs?: number | undefined;
  /** Default: 30,000 ms. */
  restartMaxMs?: number | undefined;
  /** Diagnostics from servers and restarts. Default: ignored. */
  log?: Logger | undefined;
}

export interface AppListing {
  app: string;
  transport: "stdio" | "http";
  tools: ToolDescriptor[];
  error?: CodedError | undefined;
}

export type ToolsChangedListener = (app: string, tools: readonly ToolDescriptor[]) => void;

/**
 * All configured MCP servers behind one ToolCaller. Servers start on first use; ids are `app__tool`
 * and calls map back to each server's own tool name.
 */
export class McpPool implements ToolCaller {
  private readonly connections = new Map<string, ServerConnection>();
  private readonly listeners = new Set<ToolsChangedListener>();

  constructor(options: McpPoolOptions) {
    for (const [name, config] of Object.entries(options.config.mcpServers)) {
      const app = toIdentifier(name);
      if (this.connections.has(app)) {
        throw userError(
          "CONFIG_INVALID",
          `mcp.json: servers "${name}" and another both become app id "${app}"; rename one`,
        );
      }
      this.connections.set(
        app,
        new ServerConnection({
          app,
          config,
          callTimeoutMs: options.callTimeoutMs,
          connectTimeoutMs: options.connectTimeoutMs,
          restartInitialMs: options.restartInitialMs,
          restartMaxMs: options.restartMaxMs,
          log: options.log,
          onToolsChanged: (changedApp, tools) => {
            for (const listener of this.listeners) listener(changedApp, tools);
          },
        }),
      );
    }
  }

  /** App ids, without connecting to anything. */
  apps(): string[] {
    return [...this.connections.keys()];
  }

  connection(app: string): ServerConnection {
    const connection = this.connections.get(app);
    if (connection === undefined) {
      throw userError(
        "MCP_UNKNOWN_APP",
        `there is no app "${app}". Apps: ${this.apps().join(", ") || "none configured"}`,
      );
    }
    return connection;
  }

  /** Lists every app's tools (connecting as needed); a server that fails is reported, not fatal. */
  async listApps(): Promise<AppListing[]> {
    return Promise.all(
      [...this.connections.values()].map(async (connection) => {
        try {
          return { app: connection.app, transport: connection.transportKind, tools: await connection.listTools() };
        } catch (error) {
          const coded = error instanceof CodedError ? error : new CodedError("MCP_CONNECT_FAILED", String(error));
          return { app: connection.app, transport: connection.transportKind, tools: [], error: coded };
        }
      }),
    );
  }

  async listTools(app?: string): Promise<ToolDescriptor[]> {
    if (app !== undefined) return this.connection(app).listTools();
    return (await this.listApps()).flatMap((listing) => listing.tools);
  }

  async describe(id: string): Promise<ToolDescriptor | undefined> {
    const connection = this.connectionFor(id);
    return connection === undefined ? undefined : connection.describe(id);
  }

  /** The tool with this id, or a user error naming near matches. */
  async resolve(id: string): Promise<ToolDescriptor> {
    const connection = this.connectionOrThrow(id);
    const tool = await connection.describe(id);
    if (tool === undefined) throw unknownTool(id, connection.app, connection.cachedTools() ?? []);
    return tool;
  }

  async call(id: string, args: unknown, options: ToolCallOptions = {}): Promise<unknown> {
    // The connection looks the tool up itself (and names near matches when it has none).
    return this.connectionOrThrow(id).call(id, args, options);
  }

  /** Called whenever an app's tool list is read or changes (first listing, list_changed, restart). */
  onToolsChanged(listener: ToolsChangedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((connection) => connection.close()));
  }

  private connectionOrThrow(id: string): ServerConnection {
    const connection = this.connectionFor(id);
    if (connection !== undefined) return connection;
    throw new CodedError(
      "MCP_UNKNOWN_TOOL",
      `there is no tool ${id}: ids are app__tool and the apps are ${this.apps().join(", ")}`,
      {
        family: "user",
        retryable: false,
      },
    );
  }

  /** The app whose id is the longest `app__` prefix of the tool id. */
  private connectionFor(id: string): ServerConnection | undefined {
    let best: ServerConnection | undefined;
    for (const connection of this.connections.values()) {
      if (id.startsWith(`${connection.app}__`) && (best === undefined || connection.app.length > best.app.length)) {
        best = connection;
      }
    }
    return best;
  }
}
