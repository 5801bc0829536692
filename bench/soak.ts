import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consoleAdapter } from "../adapters/console/app.ts";
import { consoleThread } from "../adapters/console/store.ts";
import { platformSweepers } from "../adapters/registry.ts";
import { ChatKeys } from "../src/chat/keys.ts";
import { startApp } from "../src/compose/app.ts";
import { loadConfig } from "../src/config/load.ts";
import { readDemoCounters } from "../src/demo/knobs.ts";
import { demoMcpConfig } from "../src/demo/mcp-config.ts";
import { digestId } from "../src/ids.ts";
import { createLogger, silentLogger } from "../src/ops/logger.ts";
import { QUEUES } from "../src/queues.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { ConsoleClient } from "../test/helpers/console-client.ts";

const DAY_MS = Number(process.env.SOAK_DAY_MS ?? 20_000);
const DAYS = Number(process.env.SOAK_DAYS ?? 30);
const ITEMS = 20;
const SESSIONS_PER_DAY = 10;
const RETAIN_DAYS = 7;
const SCHEDULED_RUNS_KEPT = 200;
const WORKERS = 2;
const BIN = join(import.meta.dirname, "..", "bin", "codemem.mjs");
const TASK =
  "@codemem archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company, skip internal senders";

/**
 * A month of use, fast: one retention "day" is SOAK_DAY_MS of real time (20 s), and every lifetime
 * follows it (CODEMEM_RETAIN_DAY_MS). An hourly firing of a 20-item skill that writes one OneDrive file
 * per item (each hour its own files, so a second write of one is a duplicate effect), ten sessions a day
 * through the console's HTTP API, a 7-day retention, and `codemem worker` processes doing the items:
 * SIGKILLed at day 10 and day 20, the redis-server (AOF) restarted at day 15. The firings are added by
 * the bench on its clock with the data and options a BullMQ job scheduler gives them (no run id: the
 * listing derives it; the scheduled runs' cap). Prints one JSON line.
 */
export async function benchSoak(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-soak-"));
  let redis = await startRedisServer({ dir: join(home, "redis") });
  const mcpFile = join(home, "mcp.json");
  writeFileSync(mcpFile, JSON.stringify(demoMcpConfig({ stateDir: join(home, "demo"), mailboxSize: 40 })));
  const env: Record<string, string> = {
    REDIS_URL: redis.url,
    CODEMEM_HOME: join(home, ".codemem"),
    CODEMEM_PREFIX: "soak",
    CODEMEM_SEMANTIC: "off",
    CODEMEM_MCP_CONFIG: mcpFile,
    CODEMEM_RUN_WORKERS: "0",
    // The workers run these sources, never a dist/ built before them.
    CODEMEM_SOURCE: "1",
    CODEMEM_LOCK_MS: "2000",
    CODEMEM_STALLED_MS: "1000",
    CODEMEM_RETAIN_DAY_MS: String(DAY_MS),
    CODEMEM_RETAIN_SESSION_DAYS: String(RETAIN_DAYS),
    CODEMEM_RETAIN_ARCHIVED_SESSION_DAYS: "1",
    CODEMEM_RETAIN_RUN_DAYS: String(RETAIN_DAYS),
    CODEMEM_RETAIN_RUN_DETAIL_DAYS: "2",
    CODEMEM_RETAIN_PLATFORM_DAYS: String(RETAIN_DAYS),
    CODEMEM_RETAIN_SCHEDULED_RUNS: String(SCHEDULED_RUNS_KEPT),
    CODEMEM_LIMIT_SESSIONS_PER_HOUR: "0",
    CODEMEM_LIMIT_RUNS_PER_HOUR: "0",
    CODEMEM_LIMIT_MODEL_TOKENS_PER_DAY: "0",
    CODEMEM_LIMIT_WORKSPACE_MODEL_TOKENS_PER_DAY: "0",
  };
  const config = loadConfig({ env, cwd: home });
  const app = await startApp({
    config,
    adapters: [consoleAdapter({ port: 0, host: "127.0.0.1" })],
    log: process.env.SOAK_DEBUG ? createLogger({ level: "warn" }) : silentLogger,
    platformSweepers,
  });
  const children = new Set<ChildProcess>();
  const spawnWorker = () => {
    const child = spawn(process.execPath, ["--no-node-snapshot", BIN, "worker"], {
      env: { ...process.env, ...env },
      stdio: "ignore",
    });
    children.add(child);
    child.on("exit", () => children.delete(child));
  };
  try {
    for (let i = 0; i < WORKERS; i++) spawnWorker();
    const url = app.surfaces[0]?.url as string;
    await app.skills.save({
      name: "soak-archive",
      description: "Writes one file per item, its hour's own.",
      params: { type: "object", properties: { hour: { type: "integer" } }, required: ["hour"] },
      code: `export async function items(params: { hour: number }) {
  return Array.from({ length: ${ITEMS} }, (_, i) => ({ key: "h" + params.hour + "-" + i }));
}
export async function run(item: { key: string }, params: unknown, ctx: any) {
  await ctx.tools.onedrive__upload_file({ parent_path: "/", name: item.key + ".txt", content_text: item.key, conflictBehavior: "replace" });
}`,
      tools: [{ id: "onedrive__upload_file", access: "destructive" }],
      memory: false,
      author: "console:soak",
      approver: "console:soak",
    });
    const thread = consoleThread("soak-runs");
    const chat = new ChatKeys("soak");
    const pending = new Map<string, number>();
    let summariesMissing = 0;
    let runs = 0;
    const checkSummaries = async (final: boolean) => {
      for (const runId of pending.keys()) {
        const [finishedAt, reportedAt] = await app.redis.hmget(`soak:run:${runId}`, "finishedAt", "reportedAt");
        const posted = (await app.redis.exists(chat.message(`run:${runId}:summary`))) === 1;
        if (finishedAt !== null && reportedAt !== null && posted) {
          pending.delete(runId);
          runs++;
        } else if (final) {
          pending.delete(runId);
          summariesMissing++;
        }
      }
    };
    const measure = async () => {
      const info = await app.redis.info("memory");
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      if (process.env.SOAK_DEBUG) process.stderr.write(`${JSON.stringify(await keyFamilies(app.redis))}\n`);
      return { bytes: used, keys: await app.redis.dbsize() };
    };
    let day8: { bytes: number; keys: number } | undefined;
    const started = Date.now();
    const hourMs = DAY_MS / 24;
    for (let hour = 0; hour < DAYS * 24; hour++) {
      const due = started + hour * hourMs;
      while (Date.now() < due) await new Promise((resolve) => setTimeout(resolve, Math.min(50, due - Date.now())));
      const day = Math.floor(hour / 24);
      const jobId = `soak-${hour}`;
      await app.runtime.runs
        .add(
          "run",
          { skill: "soak-archive", version: 1, params: { hour }, requester: "schedule:soak", thread },
          { ...app.runtime.scheduledRunJob, jobId },
        )
        .catch(() => undefined);
      pending.set(`s${digestId(jobId)}`, hour);
      if (hour % 24 < SESSIONS_PER_DAY) {
        void new ConsoleClient(url, `person-${day}-${hour % 24}`).send(TASK).catch(() => undefined);
      }
      if (hour % 24 === 0 && (day === 10 || day === 20)) {
        for (const child of [...children]) child.kill("SIGKILL");
        for (let i = 0; i < WORKERS; i++) spawnWorker();
      }
      if (hour % 24 === 0 && day === 15) {
        await redis.stop();
        await new Promise((resolve) => setTimeout(resolve, 500));
        redis = await startRedisServer({ dir: join(home, "redis"), port: redis.port });
      }
      await checkSummaries(false).catch(() => undefined);
      if (hour === 8 * 24 - 1) day8 = await measure();
    }
    const day30 = await measure();
    // The last firings finish (a day at most).
    const deadline = Date.now() + DAY_MS;
    while (pending.size > 0 && Date.now() < deadline) {
      await checkSummaries(false).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (process.env.SOAK_DEBUG) {
      for (const [runId, hour] of pending) {
        const job = await app.runtime.runs.getJob(`soak-${hour}`);
        const state = await job?.getState();
        const hash = await app.redis.hgetall(`soak:run:${runId}`);
        process.stderr.write(
          `missing ${runId} hour ${hour}: job ${state} ${job?.failedReason ?? ""} ${JSON.stringify(hash)}\n`,
        );
      }
    }
    await checkSummaries(true);
    const caps: [string, string, number][] = [
      [QUEUES.runs, "completed", SCHEDULED_RUNS_KEPT],
      [QUEUES.runs, "failed", SCHEDULED_RUNS_KEPT],
      [QUEUES.agent, "completed", 1000],
      [QUEUES.items, "failed", 5000],
    ];
    let over = 0;
    for (const [queue, state, cap] of caps) {
      if ((await app.redis.zcard(`soak:${queue}:${state}`)) > cap) over++;
    }
    const counters = readDemoCounters(join(home, "demo"));
    process.stdout.write(
      `${JSON.stringify({
        bench: "soak",
        runs,
        days: DAYS,
        day_ms: DAY_MS,
        memory_day8_bytes: day8?.bytes ?? 0,
        memory_day30_bytes: day30.bytes,
        keys_day8: day8?.keys ?? 0,
        keys_day30: day30.keys,
        summaries_missing: summariesMissing,
        duplicate_effects: counters.duplicateWrites,
        files_written: counters.filesWritten,
        jobs_over_cap: over,
      })}\n`,
    );
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await app.close();
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Keys counted by family (ids replaced by *), for a look at what grows (SOAK_DEBUG=1). */
async function keyFamilies(redis: { keys(pattern: string): Promise<string[]> }): Promise<Record<string, number>> {
  const families: Record<string, number> = {};
  for (const key of await redis.keys("*")) {
    const family = key.replace(/[0-9a-f]{16,}|r[0-9a-z]{10,}|s[0-9a-f]{32}|\d{3,}|m\d+|person-[\d-]+/g, "*");
    families[family] = (families[family] ?? 0) + 1;
  }
  return Object.fromEntries(
    Object.entries(families)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 25),
  );
}
