import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Composition } from "../src/compose/composition.ts";
import { loadConfig } from "../src/config/load.ts";
import { readDemoCounters } from "../src/demo/knobs.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { startRedisCluster } from "../src/redis/cluster-server.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { readShippedSkills } from "../src/skills/shipped.ts";
import { round } from "./stats.ts";

const LATENCY_MS = 100;
const RATE_LIMIT = 1000;
const CONCURRENCY = 64;
const MAILBOX = 7200;
const SEQUENTIAL_SAMPLE = 15;

/**
 * The shipped archive skill over 5,000+ items with the demo servers at a set per-call latency and rate
 * limit, then the same skill one item at a time on a sample; prints items/s against the physical limit.
 * Once on a single redis-server, once on a local 3-master Redis Cluster: one line each.
 */
export async function benchSkillRun(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-run-"));
  try {
    const single = await startRedisServer({ dir: join(home, "redis") });
    try {
      await measure(single.url, "single", join(home, "single"));
    } finally {
      await single.stop();
    }
    const cluster = await startRedisCluster({ dir: join(home, "cluster") });
    try {
      await measure(cluster.url, "cluster", join(home, "on-cluster"));
    } finally {
      await cluster.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

async function measure(redisUrl: string, kind: "single" | "cluster", home: string): Promise<void> {
  const shipped = readShippedSkills().find((skill) => skill.name === "archive-attachments");
  if (shipped === undefined) throw new Error("skills/archive-attachments is missing");
  /** The app's wiring, as `codemem worker` has it, for one round: its own prefix and concurrency. */
  const composition = (prefix: string, concurrency: number) =>
    new Composition({
      config: loadConfig({
        env: {
          REDIS_URL: redisUrl,
          CODEMEM_HOME: home,
          CODEMEM_PREFIX: prefix,
          CODEMEM_ITEM_CONCURRENCY: String(concurrency),
          DEMO_MAILBOX_SIZE: String(MAILBOX),
          DEMO_LATENCY_MS: String(LATENCY_MS),
          DEMO_RATE_LIMIT: String(RATE_LIMIT),
        },
        cwd: home,
      }),
      log: silentLogger,
      demoCatalog: false,
    });
  const runAt = async (concurrency: number, prefix: string, sample?: number) => {
    const core = composition(prefix, concurrency);
    try {
      // The servers start before the clock: what is measured is the steady state of a run.
      await (await core.mcp()).pool.listTools();
      await (await core.skills()).save({ ...shipped, memory: false });
      const runtime = await core.runtime();
      const workers = runtime.startWorkers();
      core.adopt("workers", () => workers.close(), { patient: true });
      const root = sample === undefined ? "Archive" : "Sequential";
      const { runId } = await runtime.enqueueRun({
        skill: shipped.name,
        params: { days: 60, root, useMemory: false },
        requester: "bench",
      });
      let listedAt = 0;
      for (;;) {
        const run = await runtime.status(runId);
        if (run !== undefined && run.total >= 0 && listedAt === 0) listedAt = performance.now();
        if (run?.finishedAt !== undefined) return { run, seconds: (performance.now() - listedAt) / 1000 };
        if (sample !== undefined && run !== undefined && run.done >= sample && listedAt > 0) {
          const seconds = (performance.now() - listedAt) / 1000;
          await runtime.items.obliterate({ force: true });
          return { run, seconds };
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await core.close();
    }
  };
  {
    const before = readDemoCounters(join(home, "demo"));
    const parallel = await runAt(CONCURRENCY, "bench-par");
    const after = readDemoCounters(join(home, "demo"));
    const itemCalls = (app: string) =>
      Object.entries(after.calls)
        .filter(([id]) => id.startsWith(`${app}__`) && id !== "outlook__list_messages")
        .reduce((sum, [id, n]) => sum + n - (before.calls[id] ?? 0), 0);
    const items = parallel.run.done + parallel.run.failed;
    const callsPerItem = (itemCalls("outlook") + itemCalls("onedrive")) / items;
    // Each item's calls run one after another, so one item takes callsPerItem × latency; each server
    // process admits RATE_LIMIT calls per second.
    const concurrencyLimit = CONCURRENCY / ((callsPerItem * LATENCY_MS) / 1000);
    const rateLimit = Math.min(
      RATE_LIMIT / (itemCalls("outlook") / items),
      RATE_LIMIT / (itemCalls("onedrive") / items),
    );
    const limit = Math.min(concurrencyLimit, rateLimit);
    const itemsPerSecond = items / parallel.seconds;
    const sequential = await runAt(1, "bench-seq", SEQUENTIAL_SAMPLE);
    const sequentialPerSecond = sequential.run.done / sequential.seconds;
    process.stdout.write(
      `${JSON.stringify({
        bench: "skill-run",
        redis: kind,
        items,
        failed: parallel.run.failed,
        latency_ms: LATENCY_MS,
        rate_limit_per_s: RATE_LIMIT,
        concurrency: CONCURRENCY,
        calls_per_item: round(callsPerItem, 2),
        items_per_s: round(itemsPerSecond, 1),
        limit_per_s: round(limit, 1),
        ratio: round(itemsPerSecond / limit, 3),
        sequential_items_per_s: round(sequentialPerSecond, 2),
        speedup: round(itemsPerSecond / sequentialPerSecond, 1),
        duplicate_writes: after.duplicateWrites,
      })}\n`,
    );
  }
}
