import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker, type ConnectionOptions } from "bullmq";
import { Redis } from "ioredis";
import { redisConnection } from "../src/cli/app.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { SkillRuntime } from "../src/runtime/runtime.ts";
import { IsolatedSandbox } from "../src/sandbox/runner.ts";
import { SkillStore } from "../src/skills/store.ts";
import { percentile, round } from "./stats.ts";

const ITEMS = 2000;
const CONCURRENCY = 16;
const ROUNDS = 3;

/**
 * Per-item cost of the runtime (a no-op skill: list, fan out, a fresh sandbox scope per item, counters)
 * against raw BullMQ no-op jobs at the same concurrency on the same Redis, in the same process. Both
 * are warmed up first and then measured in alternating rounds (median of each), so neither pays for
 * the process's cold start nor for a noisy moment alone.
 */
export async function benchQueueOverhead(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-queue-"));
  const redisServer = await startRedisServer({ dir: join(home, "redis") });
  const connection = redisConnection(redisServer.url);
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const sandbox = new IsolatedSandbox();
  try {
    const skills = new SkillStore(redis, "bench:skill:");
    const noop = (items: number) => ({
      name: `noop-${items}`,
      description: "Does nothing per item.",
      params: { type: "object", properties: {} },
      code: `export async function items() { return Array.from({ length: ${items} }, (_, i) => ({ key: "k" + i })); }\nexport async function run() { return null; }`,
      memory: false,
      tools: [],
      author: "bench",
      approver: "bench",
    });
    const raw: number[] = [];
    const runtime: number[] = [];
    for (let round = 0; round <= ROUNDS; round++) {
      // Round 0 warms both up and is not counted.
      const items = round === 0 ? ITEMS / 2 : ITEMS;
      const rawMs = await rawRound(connection, `bench-raw${round}`, items);
      await skills.save(noop(items));
      const runtimeMs = await runtimeRound({ connection, redis, skills, sandbox, prefix: `bench-rt${round}`, skill: `noop-${items}`, items });
      if (round > 0) {
        raw.push(rawMs);
        runtime.push(runtimeMs);
      }
    }
    const rawMs = percentile(raw, 50);
    const runtimeMs = percentile(runtime, 50);
    process.stdout.write(
      `${JSON.stringify({ bench: "queue-overhead", items: ITEMS, rounds: ROUNDS, concurrency: CONCURRENCY, runtime_ms_per_item: round(runtimeMs, 3), raw_ms_per_item: round(rawMs, 3), ratio: round(runtimeMs / rawMs, 2) })}\n`,
    );
  } finally {
    sandbox.close();
    redis.disconnect();
    await redisServer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** ms per job of raw BullMQ no-op jobs, from the first add to the last completion. */
async function rawRound(connection: ConnectionOptions, prefix: string, items: number): Promise<number> {
  const queue = new Queue("raw", { connection, prefix });
  let processed = 0;
  const started = performance.now();
  const worker = new Worker("raw", async () => void processed++, { connection, prefix, concurrency: CONCURRENCY });
  for (let i = 0; i < items; i += 500) {
    await queue.addBulk(Array.from({ length: Math.min(500, items - i) }, (_, j) => ({ name: "noop", data: { i: i + j }, opts: { removeOnComplete: true } })));
  }
  while (processed < items) await new Promise((resolve) => setTimeout(resolve, 5));
  const ms = (performance.now() - started) / items;
  await worker.close();
  await queue.close();
  return ms;
}

/** ms per item of a whole run of the no-op skill, from enqueueing the run to its completion. */
async function runtimeRound(options: { connection: ConnectionOptions; redis: Redis; skills: SkillStore; sandbox: IsolatedSandbox; prefix: string; skill: string; items: number }): Promise<number> {
  const runtime = new SkillRuntime({ ...options, tools: { call: async () => null }, itemConcurrency: CONCURRENCY });
  const workers = runtime.startWorkers();
  const started = performance.now();
  const { runId } = await runtime.enqueueRun({ skill: options.skill, params: {}, requester: "bench" });
  for (;;) {
    const run = await runtime.status(runId);
    if (run?.finishedAt !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const ms = (performance.now() - started) / options.items;
  await workers.close();
  await runtime.close();
  return ms;
}
