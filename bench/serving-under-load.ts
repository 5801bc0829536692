import { consoleAdapter } from "../adapters/console/app.ts";
import { sendToSlackReceiver, slashCommand } from "../test/helpers/slack-requests.ts";
import { BENCH_SIGNING_SECRET, startBenchItemsRun, startSlackBench } from "./slack-bench.ts";
import { percentile, round } from "./stats.ts";

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
  const { app, slack, slackUrl, close } = await startSlackBench("serving", [
    consoleAdapter({ port: 0, host: "127.0.0.1" }),
  ]);
  try {
    const consoleUrl = app.surfaces[1]?.url as string;
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
    const runId = await startBenchItemsRun(app, ITEMS);
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
          sendToSlackReceiver(
            slackUrl,
            BENCH_SIGNING_SECRET,
            slashCommand(`U${i}`, "CBENCH", "help", slack.responseUrl(`c${i}`)),
            {
              form: true,
            },
          ).then((result) => {
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
    await close();
  }
}
