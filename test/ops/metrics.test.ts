import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { renderText } from "../../src/ui/render-text.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { ConsoleClient } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";
import { saveTestSkill } from "../helpers/runtime.ts";

/** One sample's value from the Prometheus text, e.g. value(text, 'codemem_items_total{skill="x",outcome="done"}'). */
function value(text: string, sample: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

const BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");

describe("/metrics after the running example and a 200-item run", () => {
  let app: TestConsoleApp;
  const scrape = async (url = `${app.web.url}metrics`) => (await fetch(url)).text();
  beforeAll(async () => {
    app = await startTestConsoleApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("should count the agent's turns and model calls, the runs, every item and the deliveries", async () => {
    const alice = new ConsoleClient(app.web.url, "alice");
    const thread = await alice.send(`@codemem ${REPLAY_TASK}`);
    const question = await alice.buttons(thread, "question");
    await alice.click(question[0]!.value);
    const approve = (await alice.buttons(thread, "proposal")).find((button) => button.value.choice === "approve")!;
    await alice.click(approve.value);
    const finished = (pattern: RegExp) =>
      waitFor(
        async () => (await alice.messages(thread)).some((entry) => pattern.test(renderText(entry.message))),
        60_000,
      );
    await finished(/Run r\w+ of archive-attachments v2 finished/);

    await saveTestSkill(app.app.skills, {
      name: "count-to",
      code: `export async function items(params) { return Array.from({ length: params.n }, (_, i) => ({ key: "k" + i })) }
export async function run(item) { if (item.key === "k7") throw new Error("seven"); return item.key }`,
      params: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
      tools: [],
    });
    await alice.send('/codemem run count-to {"n": 200}', thread);
    await finished(/Run r\w+ of count-to v1 finished/);

    const text = await scrape();
    expect(value(text, 'codemem_runs_started_total{skill="count-to"}')).toBe(1);
    expect(value(text, 'codemem_runs_finished_total{skill="count-to",status="completed"}')).toBe(1);
    expect(value(text, 'codemem_items_total{skill="count-to",outcome="done"}')).toBe(199);
    expect(value(text, 'codemem_items_total{skill="count-to",outcome="failed"}')).toBe(1);
    expect(value(text, 'codemem_item_duration_seconds_count{skill="count-to"}')).toBeGreaterThanOrEqual(200);
    expect(value(text, 'codemem_runs_started_total{skill="archive-attachments"}')).toBe(1);
    const archived = await app.app.runtime.status((await app.app.runtime.progress.recent(2))[1] as string);
    expect(value(text, 'codemem_items_total{skill="archive-attachments",outcome="done"}')).toBe(archived?.done);
    // The replay model's seven calls over the turns of the example.
    expect(value(text, "codemem_model_calls_total")).toBe(7);
    expect(value(text, "codemem_agent_turns_total")).toBeGreaterThanOrEqual(3);
    expect(value(text, 'codemem_model_tokens_total{kind="prompt"}')).toBeGreaterThan(0);
    expect(value(text, 'codemem_outbox_deliveries_total{platform="console",outcome="delivered"}')).toBeGreaterThan(5);
    expect(value(text, 'codemem_outbox_delivery_lag_seconds_count{platform="console"}')).toBeGreaterThan(5);
    // Queue depth is read at scrape time: nothing waits now.
    expect(value(text, 'codemem_queue_jobs{queue="items",state="waiting"}')).toBe(0);
    expect(value(text, 'codemem_queue_oldest_waiting_seconds{queue="runs"}')).toBe(0);
  }, 120_000);

  it("should serve a worker process's own metrics on --metrics-port", async () => {
    const child = spawn(process.execPath, [BIN, "worker", "--metrics-port", "0"], {
      cwd: app.home,
      env: { ...process.env, ...app.env },
    });
    try {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      await waitFor(() => /metrics {2}(http:\/\/\S+)/.test(out), 20_000);
      const url = /metrics {2}(http:\/\/\S+)/.exec(out)?.[1] as string;
      const text = await scrape(url);
      expect(text).toContain("# TYPE codemem_items_total counter");
      expect(value(text, 'codemem_queue_jobs{queue="runs",state="waiting"}')).toBe(0);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  }, 40_000);
});
