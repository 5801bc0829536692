import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { CliIo } from "../src/cli/io.ts";
import { stopSignal } from "../src/cli/stop-signal.ts";
import { startApp } from "../src/compose/app.ts";
import { HttpHost } from "./http-host.ts";
import { PLATFORM_ADAPTERS, platformSweepers } from "./registry.ts";

/**
 * `codemem start` (what `npm start` runs after the bootstrap): Redis (its own unless REDIS_URL is set),
 * the MCP servers, the agent worker, the local console, and Slack when its tokens are set; one line per
 * live surface; Ctrl-C stops what it started.
 */
export async function startCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { port: { type: "string" } } });
  const config = io.config({ overrides: { "console.port": values.port } });
  // One server on PORT for every platform's receiver: /slack/events and /api/messages.
  const http = new HttpHost({ port: config.port });
  const adapters = PLATFORM_ADAPTERS.flatMap((adapter) => adapter.configured(config, http) ?? []);
  const app = await startApp({ config, adapters, log: io.log(config, "info"), platformSweepers });
  try {
    io.out(
      `redis    ${app.redisTarget.display}${config.redisUrl === undefined ? ` (own redis-server, AOF in ${resolve(config.dataDir, "redis")})` : " (from REDIS_URL)"}`,
    );
    const apps = app.discovery.catalog.apps();
    io.out(
      `mcp      ${apps.length} apps, ${app.discovery.catalog.size} tools (${app.mcp.source === "demo" ? `demo servers: outlook + onedrive over stdio, catalog over HTTP on port ${app.mcp.catalog?.port}` : app.mcp.source})`,
    );
    for (const failure of app.discovery.failures) io.err(`mcp      ${failure.app} failed: ${failure.error}`);
    io.out(
      `model    ${app.modelKind === "replay" ? "replay of the paper's example (no OPENAI_API_KEY); every message it produces is labelled demo" : `${config.model.name} via ${config.model.baseUrl ?? "OpenAI"}`}`,
    );
    for (const surface of app.surfaces) io.out(surface.describe);
    const consoleUrl = app.surfaces[0]?.url;
    if (config.serveMcp.token !== undefined && consoleUrl !== undefined)
      io.out(`skills   as MCP tools at ${consoleUrl}mcp (Authorization: Bearer $CODEMEM_MCP_TOKEN)`);
    io.out("ready    Ctrl-C stops everything");
    await stopSignal();
    io.out("stopping…");
    return 0;
  } finally {
    await app.close();
  }
}
