import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { RunReporter } from "../../src/core/run-reporter.ts";
import { RunProgress } from "../../src/runtime/progress.ts";
import { RecordingSurface } from "../helpers/recording-surface.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());
const THREAD = { platform: "console", channel: "c1", thread: "t1" };

describe("RunReporter", () => {
  it("should refresh a run's message at most once per interval with the latest counters, then post one summary", async () => {
    const prefix = `reporter${Date.now().toString(36)}`;
    const progress = new RunProgress(redis, prefix);
    const surface = new RecordingSurface();
    await progress.create({ runId: "r1", skill: "archive", version: 2, params: {}, requester: "ana", thread: THREAD });
    const reporter = new RunReporter({ redis, prefix, surface, intervalMs: 150 });
    await reporter.started((await progress.snapshot("r1"))!);
    // A second start (a retried run job) posts nothing more.
    await reporter.started((await progress.snapshot("r1"))!);
    expect(surface.messages.size).toBe(1);
    const [message] = [...surface.messages.keys()];
    await progress.set("r1", { total: "10", status: "running" });

    for (let i = 0; i < 6; i++) {
      await progress.finishItem("r1", `k${i}`, "done");
      reporter.changed("r1");
    }
    expect(surface.messages.get(message!)?.updates).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(surface.messages.get(message!)?.updates).toBe(1);
    expect(surface.lastBlock("progress")).toMatchObject({ done: 6, total: 10 });

    for (let i = 6; i < 10; i++) await progress.finishItem("r1", `k${i}`, "done");
    reporter.changed("r1");
    await reporter.finished("r1");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The final report replaced the pending refresh: one update for it, none after.
    expect(surface.messages.get(message!)?.updates).toBe(2);
    expect(surface.lastBlock("progress")).toMatchObject({ done: 10, total: 10 });
    expect(surface.text().match(/Run r1 of archive v2/g)).toHaveLength(1);
    reporter.close();
  });

  it("should post nothing for a run started outside a thread (the CLI's)", async () => {
    const prefix = `reporter${Date.now().toString(36)}n`;
    const progress = new RunProgress(redis, prefix);
    const surface = new RecordingSurface();
    await progress.create({ runId: "r2", skill: "archive", version: 1, params: {}, requester: "cli" });
    const reporter = new RunReporter({ redis, prefix, surface, intervalMs: 50 });
    await reporter.started((await progress.snapshot("r2"))!);
    reporter.changed("r2");
    await progress.markFinished("r2", "completed");
    await reporter.finished("r2");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(surface.messages.size).toBe(0);
  });
});
