import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { Composition } from "../src/compose/composition.ts";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { startRedisServer } from "../src/redis/server.ts";
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
  // The runtime as every codemem worker process wires it; its skill calls no tool.
  const core = new Composition({
    config: loadConfig({
      env: {
        REDIS_URL: redisServer.url,
        CODEMEM_HOME: home,
        CODEMEM_PREFIX: "bench-rt",
        CODEMEM_ITEM_CONCURRENCY: String(CONCURRENCY),
      },
      cwd: home,
    }),
    log: silentLogger,
    demoCatalog: false,
  });
  const { connection } = await core.redis();
  const queue = new Queue("raw", { connection, prefix: "bench-raw" });
  let processed = 0;
  const worker = new Worker("raw", async () => void processed++, {
    connection,
    prefix: "bench-raw",
    concurrency: CONCURRENCY,
  });
  const skills = await core.skills();
  const runtime = await core.runtime();
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
    await queue.close();
    await core.close();
    await redisServer.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
