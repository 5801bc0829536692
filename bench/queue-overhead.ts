import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { redisConnection } from "../src/cli/app.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { SkillRuntime } from "../src/runtime/runtime.ts";
import { IsolatedSandbox } from "../src/sandbox/runner.ts";
import { SkillStore } from "../src/skills/store.ts";
import { round } from "./stats.ts";

const ITEMS = 2000;
const CONCURRENCY = 16;

/**
 * Per-item cost of the runtime (a no-op skill: list, fan out, fresh sandbox per item, counters) against
 * raw BullMQ no-op jobs at the same concurrency on the same Redis, in the same process.
 */
export async function benchQueueOverhead(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-queue-"));
  const redisServer = await startRedisServer({ dir: join(home, "redis") });
  const connection = redisConnection(redisServer.url);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  try {
    const queue = new Queue("raw", { connection, prefix: "bench-raw" });
    let processed = 0;
    const started = performance.now();
    const worker = new Worker("raw", async () => void processed++, { connection, prefix: "bench-raw", concurrency: CONCURRENCY });
    for (let i = 0; i < ITEMS; i += 500) await queue.addBulk(Array.from({ length: Math.min(500, ITEMS - i) }, (_, j) => ({ name: "noop", data: { i: i + j }, opts: { removeOnComplete: true } })));
    while (processed < ITEMS) await new Promise((resolve) => setTimeout(resolve, 5));
    const rawMs = (performance.now() - started) / ITEMS;
    await worker.close();
    await queue.close();

    const skills = new SkillStore(redis, "bench:skill:");
    await skills.save({
      name: "noop",
      description: "Does nothing per item.",
      params: { type: "object", properties: {} },
      code: `export async function items() { return Array.from({ length: ${ITEMS} }, (_, i) => ({ key: "k" + i })); }\nexport async function run() { return null; }`,
      memory: false,
      tools: [],
      author: "bench",
      approver: "bench",
    });
    const runtime = new SkillRuntime({ connection, redis, prefix: "bench-rt", skills, tools: { call: async () => null }, sandbox: new IsolatedSandbox(), itemConcurrency: CONCURRENCY });
    const workers = runtime.startWorkers();
    const t0 = performance.now();
    const { runId } = await runtime.enqueueRun({ skill: "noop", params: {}, requester: "bench" });
    for (;;) {
      const run = await runtime.status(runId);
      if (run?.finishedAt !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const runtimeMs = (performance.now() - t0) / ITEMS;
    await workers.close();
    await runtime.close();
    process.stdout.write(`${JSON.stringify({ bench: "queue-overhead", items: ITEMS, concurrency: CONCURRENCY, runtime_ms_per_item: round(runtimeMs, 3), raw_ms_per_item: round(rawMs, 3), ratio: round(runtimeMs / rawMs, 2) })}\n`);
  } finally {
    redis.disconnect();
    await redisServer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
