import { fileURLToPath } from "node:url";
import type { McpConfig } from "../mcp/config-file.ts";
import type { RunningCatalog } from "./catalog/server.ts";

export type DemoServerName = "outlook" | "onedrive";

export interface DemoMcpOptions {
  /** Shared state of the demo servers (drive files, event log, idempotency records). */
  stateDir: string;
  /** Default: 200. */
  mailboxSize?: number | undefined;
  /** Extra knobs (DEMO_LATENCY_MS, DEMO_RATE_LIMIT, …) for both stdio servers. */
  env?: Record<string, string> | undefined;
  /** When given, every catalog app is added as a streamable HTTP server. */
  catalog?: RunningCatalog | undefined;
}

/** Whether this is the compiled build (dist/, `npm run build`): its servers are JavaScript too. */
const COMPILED = import.meta.url.endsWith(".js");

/** The command that starts one demo server over stdio, from any working directory. */
export function demoServerCommand(name: DemoServerName): { command: string; args: string[] } {
  const entry = fileURLToPath(new URL(`./${name}/main.${COMPILED ? "js" : "ts"}`, import.meta.url));
  if (COMPILED) return { command: process.execPath, args: [entry] };
  return { command: process.execPath, args: ["--import", fileURLToPath(import.meta.resolve("tsx")), entry] };
}

/** An mcp.json-shaped config for the demo: outlook + onedrive over stdio, catalog apps over HTTP. */
export function demoMcpConfig(options: DemoMcpOptions): McpConfig {
  const env = {
    DEMO_STATE_DIR: options.stateDir,
    DEMO_MAILBOX_SIZE: String(options.mailboxSize ?? 200),
    ...options.env,
  };
  const servers: McpConfig["mcpServers"] = {
    outlook: { ...demoServerCommand("outlook"), env },
    onedrive: { ...demoServerCommand("onedrive"), env },
  };
  for (const [app, entry] of Object.entries(options.catalog?.mcpServers() ?? {})) {
    servers[app] = { url: entry.url, headers: {} };
  }
  return { mcpServers: servers };
}
