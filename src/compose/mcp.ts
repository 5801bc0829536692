import type { Logger } from "../ops/logger.ts";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../config/schema.ts";
import { startCatalogServer, type RunningCatalog } from "../demo/catalog/server.ts";
import { demoMcpConfig } from "../demo/mcp-config.ts";
import { loadMcpConfig, type McpConfig } from "../mcp/config-file.ts";
import { McpPool } from "../mcp/pool.ts";

export interface McpSetup {
  pool: McpPool;
  /** Where the config came from: a file path, or "demo". */
  source: string;
  catalog?: RunningCatalog | undefined;
  close(): Promise<void>;
}

/**
 * The MCP servers a command uses: `--mcp <file>`, else config's mcpConfigPath, else ./mcp.json when
 * present, else the demo servers (outlook + onedrive over stdio, the catalog over HTTP in-process).
 */
export async function setUpMcp(
  config: Config,
  flag: string | undefined,
  options: { withCatalog?: boolean | undefined; log?: Logger | undefined } = {},
): Promise<McpSetup> {
  const explicit = flag ?? config.mcpConfigPath ?? (existsSync("mcp.json") ? "mcp.json" : undefined);
  let mcpConfig: McpConfig;
  let catalog: RunningCatalog | undefined;
  if (explicit !== undefined) {
    mcpConfig = loadMcpConfig(resolve(explicit));
  } else {
    catalog = options.withCatalog === false ? undefined : await startCatalogServer();
    mcpConfig = demoMcpConfig({
      stateDir: resolve(join(config.dataDir, "demo")),
      mailboxSize: config.demo.mailboxSize,
      env: { DEMO_LATENCY_MS: String(config.demo.latencyMs), DEMO_RATE_LIMIT: String(config.demo.rateLimitPerSecond) },
      catalog,
    });
  }
  const pool = new McpPool({
    config: mcpConfig,
    callTimeoutMs: config.mcp.callTimeoutMs,
    connectTimeoutMs: config.mcp.connectTimeoutMs,
    log: options.log,
  });
  return {
    pool,
    source: explicit ?? "demo",
    catalog,
    close: async () => {
      await pool.close();
      await catalog?.close();
    },
  };
}
