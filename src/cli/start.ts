import { resolve } from "node:path";
import { loadConfig } from "../config.ts";
import { startRedisServer, type RunningRedis } from "../redis/server.ts";
import type { CliIo } from "./io.ts";
import { setUpMcp } from "./mcp-setup.ts";

/**
 * `codemem start` (what `npm start` runs after the bootstrap): Redis (its own unless REDIS_URL is
 * set), the MCP servers, then waits for Ctrl-C and stops what it started.
 */
export async function startCommand(_argv: string[], io: CliIo): Promise<number> {
  const config = loadConfig();
  let redis: RunningRedis | undefined;
  let redisUrl = config.redisUrl;
  if (redisUrl === undefined) {
    redis = await startRedisServer({ dir: resolve(config.dataDir, "redis") });
    redisUrl = redis.url;
    io.out(`redis    ${redisUrl} (own redis-server, pid ${redis.pid}, AOF in ${redis.dir})`);
  } else {
    io.out(`redis    ${redisUrl} (from REDIS_URL)`);
  }
  const mcp = await setUpMcp(config, undefined, { log: io.debug });
  try {
    const listings = await mcp.pool.listApps();
    const failed = listings.filter((listing) => listing.error);
    for (const listing of listings.filter((l) => l.transport === "stdio")) {
      io.out(`mcp      ${listing.app}: ${listing.tools.length} tools over stdio${listing.error ? ` — ${listing.error.message}` : ""}`);
    }
    const http = listings.filter((l) => l.transport === "http" && !l.error);
    if (http.length > 0) {
      const tools = http.reduce((sum, l) => sum + l.tools.length, 0);
      io.out(`mcp      ${http.length} more apps, ${tools} tools over streamable HTTP${mcp.catalog ? ` (demo catalog on port ${mcp.catalog.port})` : ""}`);
    }
    for (const listing of failed) io.err(`mcp      ${listing.app} failed: ${listing.error?.message}`);
    if (mcp.source === "demo") io.out(`demo     mailbox of ${config.demo.mailboxSize} messages; OneDrive files in ${resolve(config.dataDir, "demo", "drive")}`);
    io.out(`model    ${config.model.apiKey ? `${config.model.name} via ${config.model.baseUrl ?? "OpenAI"}` : "none configured (set OPENAI_API_KEY and optionally OPENAI_BASE_URL, CODEMEM_MODEL)"}`);
    io.out("ready    try: npx codemem tools | npx codemem exec examples/probe-outlook.ts   (Ctrl-C stops)");
    await new Promise<void>((resolveStop) => {
      process.once("SIGINT", () => resolveStop());
      process.once("SIGTERM", () => resolveStop());
    });
    io.out("stopping…");
    return 0;
  } finally {
    await mcp.close();
    await redis?.stop();
  }
}
