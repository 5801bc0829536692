import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { RunProgress } from "../../src/runtime/progress.ts";
import { ProgressReporter } from "../../src/runtime/reporter.ts";
import { RecordingSurface } from "../helpers/recording-surface.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());
const THREAD = { platform: "console", channel: "c1", thread: "t1" };

describe("ProgressReporter", () => {
  it("should refresh a run's message at most once per interval with the latest counters, then post one summary", async () => {
    const progress = new RunProgress(redis, `reporter${Date.now().toString(36)}`);
    const surface = new RecordingSurface();
    const message = await surface.post(THREAD, { blocks: [{ type: "text", text: "Running…" }] });
    await progress.create({ runId: "r1", skill: "archive", version: 2, params: {}, requester: "ana", thread: THREAD });
    await progress.set("r1", { total: "10", status: "running", messageRef: JSON.stringify(message) });
    const reporter = new ProgressReporter({ progress, surface, intervalMs: 150 });

    for (let i = 0; i < 6; i++) {
      await progress.finishItem("r1", `k${i}`, "done");
      reporter.changed("r1");
    }
    expect(surface.messages.get(message.id)?.updates).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(surface.messages.get(message.id)?.updates).toBe(1);
    expect(surface.lastBlock("progress")).toMatchObject({ done: 6, total: 10 });

    for (let i = 6; i < 10; i++) await progress.finishItem("r1", `k${i}`, "done");
    reporter.changed("r1");
    await reporter.final("r1");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The final report replaced the pending refresh: one update for it, none after.
    expect(surface.messages.get(message.id)?.updates).toBe(2);
    expect(surface.lastBlock("progress")).toMatchObject({ done: 10, total: 10 });
    expect(surface.text().match(/Run r1 of archive v2/g)).toHaveLength(1);
    reporter.close();
  });

  it("should do nothing without a surface", async () => {
    const progress = new RunProgress(redis, `reporter${Date.now().toString(36)}n`);
    const reporter = new ProgressReporter({ progress });
    reporter.changed("r1");
    await expect(reporter.final("r1")).resolves.toBeUndefined();
  });
});
