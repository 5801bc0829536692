import { afterEach, describe, expect, it } from "vitest";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import { startRedisServer } from "../../src/redis/server.ts";
import { demoConfig, tempStateDir } from "../helpers/demo.ts";
import { approveArchiveSkill, runtimeHarness, saveTestSkill, type RuntimeHarness } from "../helpers/runtime.ts";
import { captureLog } from "../helpers/log.ts";

describe("runs under pressure", () => {
  let harness: RuntimeHarness | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("should treat 429s as rate limiting, not failures", async () => {
    const state = tempStateDir();
    cleanups.push(state.cleanup);
    harness = await runtimeHarness(demoConfig(state.dir, { DEMO_RATE_LIMIT: "15" }, 200));
    await approveArchiveSkill(harness.skills, harness.pool);
    const { runId } = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 15 },
      requester: "ana",
    });
    const run = await harness.waitForRun(runId, 90_000);
    expect(run).toMatchObject({ status: "completed", failed: 0 });
    expect(run.done).toBe(run.total);
    const counters = readDemoCounters(state.dir);
    expect(counters.rateLimited).toBeGreaterThan(0);
    expect(counters.duplicateWrites).toBe(0);
  }, 120_000);

  it("should hand an item whose 429 waits run long back to BullMQ's rate limiter and still finish it", async () => {
    const state = tempStateDir();
    cleanups.push(state.cleanup);
    const log = captureLog();
    // A budget shorter than one 429 wait (~0.5 s at 2 calls/s): every 429 goes back to the queue, however
    // fast or slow the machine is. One call per item, so a retried item always makes progress.
    harness = await runtimeHarness(demoConfig(state.dir, { DEMO_RATE_LIMIT: "2" }, 20), {
      log: log.logger,
      rateLimitWaitBudgetMs: 100,
    });
    await saveTestSkill(harness.skills, {
      name: "peek",
      description: "Reads one message per item.",
      code: `export async function items() { return Array.from({ length: 10 }, (_, i) => ({ key: "k" + i })); }
export async function run(item: unknown, params: unknown, ctx: any) { return (await ctx.tools.outlook__list_messages({ $top: 1 })).value.length; }`,
      tools: [{ id: "outlook__list_messages", access: "read-only" }],
    });
    const { runId } = await harness.runtime.enqueueRun({ skill: "peek", params: {}, requester: "ana" });
    const run = await harness.waitForRun(runId, 60_000);
    expect(run).toMatchObject({ status: "completed", total: 10, done: 10, failed: 0 });
    const handedBack = log.lines().filter((line) => line.msg === "item handed back after 429s; items paused");
    expect(handedBack.length).toBeGreaterThan(0);
    // The line names the run, the item and the skill it is about.
    expect(handedBack[0]).toMatchObject({ run: runId, skill: "peek", item: expect.stringMatching(/^k\d$/) });
    expect(readDemoCounters(state.dir).rateLimited).toBeGreaterThan(0);
  }, 90_000);

  it("should finish an item that needs more calls than one wait budget admits (its budget doubles per hand-back)", async () => {
    const state = tempStateDir();
    cleanups.push(state.cleanup);
    const log = captureLog();
    // Four calls per item at 2 calls/s with a 100 ms budget: a retried item starts over, so with a fixed
    // budget it would go back to the queue for ever.
    harness = await runtimeHarness(demoConfig(state.dir, { DEMO_RATE_LIMIT: "2" }, 20), {
      log: log.logger,
      rateLimitWaitBudgetMs: 100,
    });
    await saveTestSkill(harness.skills, {
      name: "peek4",
      description: "Reads four pages per item.",
      code: `export async function items() { return [{ key: "a" }, { key: "b" }]; }
export async function run(item: unknown, params: unknown, ctx: any) {
  let n = 0;
  for (let i = 0; i < 4; i++) n += (await ctx.tools.outlook__list_messages({ $top: 1, $skip: i })).value.length;
  return n;
}`,
      tools: [{ id: "outlook__list_messages", access: "read-only" }],
    });
    const { runId } = await harness.runtime.enqueueRun({ skill: "peek4", params: {}, requester: "ana" });
    const run = await harness.waitForRun(runId, 80_000);
    expect(run).toMatchObject({ status: "completed", total: 2, done: 2, failed: 0 });
    expect(log.raw.filter((line) => line.includes("handed back after 429s")).length).toBeGreaterThanOrEqual(2);
  }, 100_000);

  it("should keep every worker under a per-app rate limit shared in Redis", async () => {
    const state = tempStateDir();
    cleanups.push(state.cleanup);
    harness = await runtimeHarness(demoConfig(state.dir, { DEMO_RATE_LIMIT: "30" }, 400), {
      appRateLimits: { outlook: 20, onedrive: 20 },
    });
    await approveArchiveSkill(harness.skills, harness.pool);
    const second = harness.revive();
    const secondWorkers = second.startWorkers();
    cleanups.push(async () => {
      await secondWorkers.close();
      await second.close();
    });
    const before = readDemoCounters(state.dir);
    const started = Date.now();
    const { runId } = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 15 },
      requester: "ana",
    });
    const run = await harness.waitForRun(runId, 90_000);
    const seconds = (Date.now() - started) / 1000;
    expect(run).toMatchObject({ status: "completed", failed: 0 });
    const counters = readDemoCounters(state.dir);
    const outlookCalls = Object.entries(counters.calls)
      .filter(([id]) => id.startsWith("outlook__"))
      .reduce((sum, [id, n]) => sum + n - (before.calls[id] ?? 0), 0);
    expect(outlookCalls).toBeGreaterThan(100);
    // The server counts at processing time, so a stall on its side can still bunch calls into a 429 now
    // and then; with onedrive left unlimited, this run drew 147 from onedrive alone.
    expect(counters.rateLimited).toBeLessThan(outlookCalls * 0.05);
    // A bucket of 20 starts full, then admits 20 calls a second, across both runtimes.
    expect(seconds).toBeGreaterThanOrEqual((outlookCalls - 20) / 20 - 0.5);
  }, 120_000);

  it("should finish a run across a redis-server restart (AOF on) with no duplicated write", async () => {
    const state = tempStateDir();
    const redisDir = tempStateDir("codemem-redis-restart-");
    cleanups.push(state.cleanup, redisDir.cleanup);
    let redis = await startRedisServer({ dir: redisDir.dir });
    cleanups.push(() => redis.stop());
    harness = await runtimeHarness(
      demoConfig(state.dir, { DEMO_LATENCY_MS: "15" }, 400),
      { itemConcurrency: 4 },
      redis.url,
    );
    await approveArchiveSkill(harness.skills, harness.pool);
    const { runId } = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 30 },
      requester: "ana",
    });
    for (;;) {
      const run = await harness.runtime.status(runId);
      if (run !== undefined && run.total > 0 && run.done > 5) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    redis = await startRedisServer({ dir: redisDir.dir, port: redis.port });
    const run = await harness.waitForRun(runId, 90_000);
    expect(run).toMatchObject({ status: "completed", failed: 0 });
    expect(run.done + run.skipped).toBe(run.total);
    const counters = readDemoCounters(state.dir);
    expect(counters.duplicateWrites).toBe(0);
    expect(Object.values(counters.writesByPath).filter((n) => n > 1)).toEqual([]);
  }, 120_000);
});
