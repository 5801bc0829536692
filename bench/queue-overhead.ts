import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { bullConnection, parseRedisUrl } from "../src/redis/client.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { SkillRuntime } from "../src/runtime/runtime.ts";
import { IsolatedSandbox } from "../src/sandbox/runner.ts";
import { SkillStore } from "../src/skills/store.ts";
import { percentile, round } from "./stats.ts";

const ITEMS = 2000;
const CONCURRENCY = 16;
const ROUNDS = 7;

/**
 * Per-item cost of the runtime (a run of a no-op skill: list, fan out, a fresh sandbox scope per item,
 * counters) against raw BullMQ no-op jobs at the same concurrency on the same Redis, in the same
 * process. Each side is one long-lived worker, as in a worker process; after a warm-up round they run
 * in alternating rounds and the medians are compared, so neither pays alone for a cold start or a
 * noisy moment of the machine.
 */
export async function benchQueueOverhead(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-queue-"));
  const redisServer = await startRedisServer({ dir: join(home, "redis") });
  const connection = bullConnection(parseRedisUrl(redisServer.url)).connection;
  // As connectRedis makes it for every codemem process.
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  const sandbox = new IsolatedSandbox();
  const queue = new Queue("raw", { connection, prefix: "bench-raw" });
  let processed = 0;
  const worker = new Worker("raw", async () => void processed++, {
    connection,
    prefix: "bench-raw",
    concurrency: CONCURRENCY,
  });
  const skills = new SkillStore(redis, "bench");
  const runtime = new SkillRuntime({
    connection,
    redis,
    prefix: "bench-rt",
    skills,
    sandbox,
    tools: { call: async () => null },
    itemConcurrency: CONCURRENCY,
  });
  const workers = runtime.startWorkers();
  try {
    /** ms per job of raw BullMQ no-op jobs, from the first add to the last completion. */
    const rawRound = async (items: number): Promise<number> => {
      processed = 0;
      const started = performance.now();
      for (let i = 0; i < items; i += 500) {
        await queue.addBulk(
          Array.from({ length: Math.min(500, items - i) }, (_, j) => ({
            name: "noop",
            data: { i: i + j },
            opts: { removeOnComplete: true },
          })),
        );
      }
      while (processed < items) await new Promise((resolve) => setTimeout(resolve, 5));
      return (performance.now() - started) / items;
    };
    /** ms per item of a whole run of the no-op skill, from enqueueing the run to its completion. */
    const runtimeRound = async (items: number): Promise<number> => {
      const started = performance.now();
      const { runId } = await runtime.enqueueRun({ skill: `noop-${items}`, params: {}, requester: "bench" });
      for (;;) {
        const run = await runtime.status(runId);
        if (run?.finishedAt !== undefined) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return (performance.now() - started) / items;
    };
    for (const items of [ITEMS / 2, ITEMS]) {
      await skills.save({
        name: `noop-${items}`,
        description: "Does nothing per item.",
        params: { type: "object", properties: {} },
        code: `export async function items() { return Array.from({ length: ${items} }, (_, i) => ({ key: "k" + i })); }\nexport async function run() { return null; }`,
        memory: false,
        tools: [],
        author: "bench",
        approver: "bench",
      });
    }
    const raw: number[] = [];
    const measured: number[] = [];
    // The first, smaller round of each warms it up and is not counted.
    await rawRound(ITEMS / 2);
    await runtimeRound(ITEMS / 2);
    for (let n = 0; n < ROUNDS; n++) {
      raw.push(await rawRound(ITEMS));
      measured.push(await runtimeRound(ITEMS));
    }
    if (process.env.BENCH_DEBUG)
      process.stderr.write(`raw ${raw.map((x) => x.toFixed(3))}\nruntime ${measured.map((x) => x.toFixed(3))}\n`);
    const rawMs = percentile(raw, 50);
    const runtimeMs = percentile(measured, 50);
    process.stdout.write(
      `${JSON.stringify({ bench: "queue-overhead", items: ITEMS, rounds: ROUNDS, concurrency: CONCURRENCY, runtime_ms_per_item: round(runtimeMs, 3), raw_ms_per_item: round(rawMs, 3), ratio: round(runtimeMs / rawMs, 2) })}\n`,
    );
  } finally {
    await Promise.all([worker.close(), workers.close()]);
    await Promise.all([queue.close(), runtime.close()]);
    sandbox.close();
    redis.disconnect();
    await redisServer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
