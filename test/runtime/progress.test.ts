import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { RunProgress } from "../../src/runtime/progress.ts";
import { RunKeys } from "../../src/runtime/keys.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

const fresh = async (total: number) => {
  const prefix = `progress${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
  const progress = new RunProgress(redis, prefix);
  await progress.create({ runId: "r1", skill: "s", version: 1, params: {}, requester: "ana" });
  await progress.set("r1", { total: String(total), status: "running" });
  return { progress, prefix };
};

describe("RunProgress", () => {
  it("should count an item once however often it finishes, and complete the run exactly once", async () => {
    const { progress } = await fresh(20);
    // 20 items, each finished three times at once by "different workers".
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        progress.finishItem(
          "r1",
          `k${i % 20}`,
          i % 20 === 3 ? "failed" : "done",
          i % 20 === 3 ? { error: "boom" } : {},
        ),
      ),
    );
    expect(results.filter((r) => r === "completed")).toHaveLength(1);
    expect(results.filter((r) => r === "counted-before")).toHaveLength(40);
    const run = await progress.snapshot("r1");
    expect(run).toMatchObject({ status: "completed", done: 19, failed: 1, skipped: 0, lastErrors: ["k3: boom"] });
    expect(run?.finishedAt).toBeGreaterThan(0);
  });

  it("should put a done item's key into the skill's memory, and a failed one's not", async () => {
    const { progress, prefix } = await fresh(2);
    await progress.finishItem("r1", "ok", "done", { memoryKey: new RunKeys(prefix).memory("s") });
    await progress.finishItem("r1", "bad", "failed", { error: "x", memoryKey: new RunKeys(prefix).memory("s") });
    expect(await redis.smembers(new RunKeys(prefix).memory("s"))).toEqual(["ok"]);
  });

  it("should count skipped keys once and complete a run whose items were all skipped", async () => {
    const { progress } = await fresh(3);
    await progress.skipItems("r1", ["a", "b", "c"]);
    await progress.skipItems("r1", ["a"]);
    expect(await progress.completeIfDone("r1")).toBe(true);
    expect(await progress.completeIfDone("r1")).toBe(false);
    expect(await progress.snapshot("r1")).toMatchObject({ status: "completed", skipped: 3 });
  });

  it("should not complete a run before it is listed", async () => {
    const prefix = `progress${Date.now().toString(36)}x`;
    const progress = new RunProgress(redis, prefix);
    await progress.create({ runId: "r2", skill: "s", version: 1, params: {}, requester: "ana" });
    expect(await progress.finishItem("r2", "early", "done")).toBe("counted");
    expect((await progress.snapshot("r2"))?.finishedAt).toBeUndefined();
  });

  it("should read the status alone", async () => {
    const { progress } = await fresh(1);
    expect(await progress.status("r1")).toBe("running");
    expect(await progress.status("missing")).toBeUndefined();
  });
});
