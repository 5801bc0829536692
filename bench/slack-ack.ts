import { buttonClick, sendToSlackReceiver, slashCommand } from "../test/helpers/slack-requests.ts";
import { BENCH_SIGNING_SECRET, startBenchItemsRun, startSlackBench } from "./slack-bench.ts";
import { percentile, round } from "./stats.ts";

const REQUESTS = 50;
const ITEMS = 1000;

/**
 * Time to ack through bolt's HTTP receiver while a 1,000-item run reports progress to the same Slack:
 * 50 concurrent requests (button clicks and slash commands, half each) on loopback, signed as Slack
 * signs them. Slack's limit is 3 s; the goal is p99 under 300 ms.
 */
export async function benchSlackAck(): Promise<void> {
  const { app, slack, slackUrl: url, close } = await startSlackBench("slack");
  try {
    const runId = await startBenchItemsRun(app, ITEMS);
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
            BENCH_SIGNING_SECRET,
            buttonClick(`U${i}`, "CBENCH", "1690000000.000200", stale, slack.responseUrl(`b${i}`)),
            { form: true },
          )
        : sendToSlackReceiver(
            url,
            BENCH_SIGNING_SECRET,
            slashCommand(`U${i}`, "CBENCH", "help", slack.responseUrl(`c${i}`)),
            {
              form: true,
            },
          ),
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
    await close();
  }
}
