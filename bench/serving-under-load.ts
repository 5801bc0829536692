import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleAdapter } from "../adapters/console/app.ts";
import { HttpHost } from "../adapters/http-host.ts";
import { slackAdapter } from "../adapters/slack/adapter.ts";
import { startApp } from "../src/compose/app.ts";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { FakeSlack } from "../test/helpers/fake-slack.ts";
import { sendToSlackReceiver, slashCommand } from "../test/helpers/slack-requests.ts";
import { percentile, round } from "./stats.ts";

const SECRET = "bench-signing-secret";
const ITEMS = 1000;
const SAMPLE_EVERY_MS = 50;
const SAMPLE_FOR_MS = 6000;

/**
 * Model code must not stall the serving loop. Two hostile probes spin just under the sandbox's slice
 * (900 ms between awaits) again and again, a 1,000-item run goes, and meanwhile `/healthz` is asked every
 * 50 ms and Slack slash commands are acked through bolt's signed receiver, on loopback. Goal: `/healthz`
 * p99 < 100 ms, the ack p99 < 300 ms (Slack's own limit is 3 s).
 */
export async function benchServingUnderLoad(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-serving-"));
  const redis = await startRedisServer({ dir: join(home, "redis") });
  const slack = new FakeSlack();
  await slack.start();
  const env = {
    REDIS_URL: redis.url,
    CODEMEM_HOME: join(home, ".codemem"),
    CODEMEM_SEMANTIC: "off",
    SLACK_BOT_TOKEN: "xoxb-bench",
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
  };
  const config = loadConfig({ env, cwd: home });
  const app = await startApp({
    config,
    adapters: [
      consoleAdapter({ port: 0, host: "127.0.0.1" }),
      slackAdapter(config.slack, new HttpHost({ port: 0, host: "127.0.0.1" })),
    ],
    log: silentLogger,
  });
  try {
    const consoleUrl = app.surfaces[0]?.url as string;
    const slackUrl = app.surfaces[1]?.url as string;
    await app.skills.save({
      name: "bench-items",
      description: "A thousand small items for the serving benchmark.",
      params: { type: "object", properties: {} },
      code: `export async function items() { return Array.from({ length: ${ITEMS} }, (_, i) => ({ key: "k" + i })); }
export async function run(item) { await new Promise((r) => setTimeout(r, 5)); return item.key; }`,
      tools: [],
      memory: false,
      author: "slack:UBENCH",
      approver: "slack:UBENCH",
    });
    const spinning = { on: true };
    const hostile = `for (let i = 0; i < 1000 && !globalThis.stop; i++) {
  const t = Date.now();
  while (Date.now() - t < 900) {}
  await new Promise((r) => setTimeout(r, 1));
}`;
    // Each probe ends at its 30 s wall limit; another starts until the sampling is over.
    const probe = async (): Promise<number> => {
      let ran = 0;
      while (spinning.on) {
        await app.sandbox.run(hostile, { limits: { timeoutMs: 30_000 } });
        ran++;
      }
      return ran;
    };
    const probes = [probe(), probe()];
    const { runId } = await app.runtime.enqueueRun({
      skill: "bench-items",
      params: {},
      requester: "slack:UBENCH",
      thread: { platform: "slack", channel: "CBENCH", thread: "1690000000.000100" },
    });
    // Let the probes start spinning and the items flow.
    await new Promise((r) => setTimeout(r, 500));
    const health: number[] = [];
    const acks: number[] = [];
    let failed = 0;
    const end = Date.now() + SAMPLE_FOR_MS;
    let n = 0;
    const pending: Promise<void>[] = [];
    while (Date.now() < end) {
      const i = n++;
      pending.push(
        (async () => {
          const started = performance.now();
          const response = await fetch(`${consoleUrl}healthz`);
          await response.arrayBuffer();
          if (!response.ok) failed++;
          health.push(performance.now() - started);
        })(),
      );
      if (i % 2 === 0) {
        pending.push(
          sendToSlackReceiver(slackUrl, SECRET, slashCommand(`U${i}`, "CBENCH", "help", slack.responseUrl(`c${i}`)), {
            form: true,
          }).then((result) => {
            if (result.status !== 200) failed++;
            acks.push(result.ms);
          }),
        );
      }
      await new Promise((r) => setTimeout(r, SAMPLE_EVERY_MS));
    }
    await Promise.all(pending);
    const status = await app.runtime.status(runId);
    spinning.on = false;
    process.stdout.write(
      `${JSON.stringify({
        bench: "serving-under-load",
        healthz_requests: health.length,
        healthz_p50_ms: round(percentile(health, 50), 1),
        healthz_p99_ms: round(percentile(health, 99), 1),
        ack_requests: acks.length,
        ack_p50_ms: round(percentile(acks, 50), 1),
        ack_p99_ms: round(percentile(acks, 99), 1),
        failed,
        hostile_probes: 2,
        run_items: ITEMS,
        run_done_while_sampling: status?.done ?? 0,
      })}\n`,
    );
    await Promise.all(probes);
  } finally {
    await app.close();
    await slack.close();
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
