import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpHost } from "../adapters/http-host.ts";
import { slackAdapter } from "../adapters/slack/adapter.ts";
import { type App, startApp } from "../src/compose/app.ts";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { startRedisServer } from "../src/redis/server.ts";
import type { AdapterFactory } from "../src/ui/adapter.ts";
import type { Bot } from "../src/core/bot.ts";
import { FakeSlack } from "../test/helpers/fake-slack.ts";

export const BENCH_SIGNING_SECRET = "bench-signing-secret";

/** An app with Slack's signed HTTP receiver (and any other adapters) on a redis-server of its own. */
export async function startSlackBench(
  name: string,
  others: AdapterFactory<Bot>[] = [],
): Promise<{ app: App; slack: FakeSlack; slackUrl: string; close(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), `codemem-bench-${name}-`));
  const redis = await startRedisServer({ dir: join(home, "redis") });
  const slack = new FakeSlack();
  await slack.start();
  const env = {
    REDIS_URL: redis.url,
    CODEMEM_HOME: join(home, ".codemem"),
    CODEMEM_SEMANTIC: "off",
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: BENCH_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  const config = loadConfig({ env, cwd: home });
  const app = await startApp({
    config,
    adapters: [slackAdapter(config.slack, new HttpHost({ port: 0, host: "127.0.0.1" })), ...others],
    log: silentLogger,
  });
  return {
    app,
    slack,
    slackUrl: app.surfaces[0]?.url as string,
    close: async () => {
      await app.close();
      await slack.close();
      await redis.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A skill of `items` items that each wait 5 ms, and a run of it reporting to a Slack thread. */
export async function startBenchItemsRun(app: App, items: number): Promise<string> {
  await app.skills.save({
    name: "bench-items",
    description: `${items} small items for a serving benchmark.`,
    params: { type: "object", properties: {} },
    code: `export async function items() { return Array.from({ length: ${items} }, (_, i) => ({ key: "k" + i })); }
export async function run(item) { await new Promise((r) => setTimeout(r, 5)); return item.key; }`,
    tools: [],
    memory: false,
    author: "slack:UBENCH",
    approver: "slack:UBENCH",
  });
  const { runId } = await app.runtime.enqueueRun({
    skill: "bench-items",
    params: {},
    requester: "slack:UBENCH",
    thread: { platform: "slack", channel: "CBENCH", thread: "1690000000.000100" },
  });
  return runId;
}
