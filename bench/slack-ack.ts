import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpHost } from "../adapters/http-host.ts";
import { slackAdapter } from "../adapters/slack/adapter.ts";
import { startApp } from "../src/compose/app.ts";
import { loadConfig } from "../src/config/load.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { FakeSlack } from "../test/helpers/fake-slack.ts";
import { buttonClick, sendToSlackReceiver, slashCommand } from "../test/helpers/slack-requests.ts";
import { percentile, round } from "./stats.ts";
import { silentLogger } from "../src/ops/logger.ts";

const SECRET = "bench-signing-secret";
const REQUESTS = 50;
const ITEMS = 1000;

/**
 * Time to ack through bolt's HTTP receiver while a 1,000-item run reports progress to the same Slack:
 * 50 concurrent requests (button clicks and slash commands, half each) on loopback, signed as Slack
 * signs them. Slack's limit is 3 s; the goal is p99 under 300 ms.
 */
export async function benchSlackAck(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-slack-"));
  const redis = await startRedisServer({ dir: join(home, "redis") });
  const slack = new FakeSlack();
  await slack.start();
  const env = {
    REDIS_URL: redis.url,
    CODEMEM_HOME: join(home, ".codemem"),
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  const config = loadConfig({ env, cwd: home });
  const app = await startApp({
    config,
    adapters: [slackAdapter(config.slack, new HttpHost({ port: 0, host: "127.0.0.1" }))],
    log: silentLogger,
  });
  try {
    const url = app.surfaces[0]?.url as string;
    await app.skills.save({
      name: "bench-items",
      description: "A thousand small items for the ack benchmark.",
      params: { type: "object", properties: {} },
      code: `export async function items() { return Array.from({ length: ${ITEMS} }, (_, i) => ({ key: "k" + i })); }
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
    // Wait until items are flowing, so the acks compete with the run.
    while (((await app.runtime.status(runId))?.done ?? 0) < 50) await new Promise((r) => setTimeout(r, 20));
    const stale = {
      action_id: "codemem:0",
      value: JSON.stringify({ sessionId: "gone", pendingId: "gone", choice: "x" }),
    };
    const requests = Array.from({ length: REQUESTS }, (_, i) =>
      i % 2 === 0
        ? sendToSlackReceiver(
            url,
            SECRET,
            buttonClick(`U${i}`, "CBENCH", "1690000000.000200", stale, slack.responseUrl(`b${i}`)),
            { form: true },
          )
        : sendToSlackReceiver(url, SECRET, slashCommand(`U${i}`, "CBENCH", "help", slack.responseUrl(`c${i}`)), {
            form: true,
          }),
    );
    const results = await Promise.all(requests);
    const failed = results.filter((result) => result.status !== 200).length;
    const during = (await app.runtime.status(runId))?.finishedAt === undefined;
    const ms = results.map((result) => result.ms);
    process.stdout.write(
      `${JSON.stringify({
        bench: "slack-ack",
        requests: results.length,
        failed,
        p50_ms: round(percentile(ms, 50), 1),
        p99_ms: round(percentile(ms, 99), 1),
        max_ms: round(Math.max(...ms), 1),
        run_items: ITEMS,
        run_still_going: during,
      })}\n`,
    );
  } finally {
    await app.close();
    await slack.close();
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
