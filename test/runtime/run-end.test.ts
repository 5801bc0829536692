import { afterEach, describe, expect, it } from "vitest";
import { RunReporter } from "../../src/core/run-reporter.ts";
import type { RunObserver } from "../../src/runtime/observer.ts";
import type { RunSnapshot } from "../../src/runtime/progress.ts";
import { renderText } from "../../src/ui/render-text.ts";
import { demoConfig, tempStateDir } from "../helpers/demo.ts";
import { RecordingSurface } from "../helpers/recording-surface.ts";
import { runtimeHarness, saveTestSkill, type RuntimeHarness } from "../helpers/runtime.ts";

const THREAD = { platform: "test", channel: "c", thread: "ends" };

/** The run reporter, whose end-of-run report throws the first `failures` times (the outbox down, say). */
class FlakyReporter implements RunObserver {
  calls = 0;
  constructor(
    private readonly inner: RunReporter,
    private failures: number,
  ) {}
  started(run: RunSnapshot): Promise<void> {
    return this.inner.started(run);
  }
  changed(runId: string): void {
    this.inner.changed(runId);
  }
  async finished(runId: string): Promise<void> {
    this.calls++;
    if (this.failures-- > 0) throw new Error("the outbox is down");
    await this.inner.finished(runId);
  }
  close(): void {
    this.inner.close();
  }
}

describe("the end of a run", () => {
  let harness: RuntimeHarness | undefined;
  const dir = tempStateDir();
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("should post exactly one summary when the report throws once, the item retried after its run ended", async () => {
    const surface = new RecordingSurface();
    let reporter: FlakyReporter | undefined;
    const flaky = () => reporter as FlakyReporter;
    harness = await runtimeHarness(demoConfig(dir.dir, {}, 10), {
      observer: {
        started: (run) => flaky().started(run),
        changed: (runId) => flaky().changed(runId),
        finished: (runId) => flaky().finished(runId),
        close: () => flaky().close(),
      },
    });
    reporter = new FlakyReporter(new RunReporter({ redis: harness.redis, prefix: harness.prefix, surface }), 1);
    await saveTestSkill(harness.skills, {
      name: "five-items",
      code: `export async function items() { return [1, 2, 3, 4, 5].map((n) => ({ key: "k" + n })); }
export async function run(item) { return item.key; }`,
      tools: [],
    });
    const { runId } = await harness.runtime.enqueueRun({
      skill: "five-items",
      params: {},
      requester: "ana",
      thread: THREAD,
    });
    const run = await harness.waitForRun(runId);
    expect(run).toMatchObject({ status: "completed", done: 5, failed: 0 });
    await surface.waitForText(`Run ${runId} of five-items v1 finished`, 20_000);
    // Reported twice (the throw, then the retry), posted once.
    expect(reporter.calls).toBe(2);
    const summaries = surface.all().filter((message) => renderText(message).startsWith(`Run ${runId} `));
    expect(summaries).toHaveLength(1);
    expect(await harness.redis.hget(`${harness.prefix}:run:${runId}`, "reportedAt")).not.toBeNull();
  }, 60_000);
});
