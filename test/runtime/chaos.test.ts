import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import { demoMcpConfig } from "../../src/demo/mcp-config.ts";
import { McpPool } from "../../src/mcp/pool.ts";
import { type RunningRedisCluster, startRedisCluster } from "../../src/redis/cluster-server.ts";
import { tempStateDir } from "../helpers/demo.ts";
import { approveArchiveSkill, archiveExpectations, runtimeHarness } from "../helpers/runtime.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");
const MAILBOX = 2900;
const WORKERS = 3;
const KILLS = 10;

async function keyCount(url: string): Promise<number> {
  const node = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await node.dbsize();
  } finally {
    node.disconnect();
  }
}

// The same run on the suite's redis-server and on a local 3-master Redis Cluster started for it.
describe.each(["single", "cluster"] as const)(
  "chaos on %s Redis: workers killed at random during a 2,000-item run",
  (kind) => {
    const state = tempStateDir("codemem-chaos-");
    const children = new Set<ChildProcess>();
    let cluster: RunningRedisCluster | undefined;
    let redisUrl = "";
    beforeAll(async () => {
      if (kind === "cluster") cluster = await startRedisCluster({ dir: join(state.dir, "cluster") });
      redisUrl = cluster?.url ?? inject("redisUrl");
    });
    afterAll(async () => {
      for (const child of children) child.kill("SIGKILL");
      await cluster?.stop();
      state.cleanup();
    });

    it("should finish with every item done once and no duplicated write", async () => {
      const mcpFile = join(state.dir, "mcp.json");
      writeFileSync(
        mcpFile,
        JSON.stringify(demoMcpConfig({ stateDir: join(state.dir, "demo"), mailboxSize: MAILBOX })),
      );
      const harness = await runtimeHarness({ mcpServers: {} }, {}, redisUrl);
      // No workers in this process: only the spawned ones work.
      await harness.workers.close();
      const pool = new McpPool({ config: demoMcpConfig({ stateDir: join(state.dir, "probe"), mailboxSize: MAILBOX }) });
      await approveArchiveSkill(harness.skills, pool);
      await pool.close();

      const env: NodeJS.ProcessEnv = {
        ...process.env,
        REDIS_URL: redisUrl,
        // The bare prefix: a worker hash-tags it on a cluster, as the harness did.
        CODEMEM_PREFIX: harness.prefix.replace(/^\{(.*)\}$/, "$1"),
        CODEMEM_MCP_CONFIG: mcpFile,
        CODEMEM_HOME: join(state.dir, ".codemem"),
        CODEMEM_ITEM_CONCURRENCY: "8",
        CODEMEM_LOCK_MS: "2000",
        CODEMEM_STALLED_MS: "1000",
      };
      const spawnWorker = () => {
        // Straight to node with the flag (no re-exec wrapper), so SIGKILL hits the worker itself.
        const child = spawn(process.execPath, ["--no-node-snapshot", BIN, "worker"], { env, stdio: "ignore" });
        children.add(child);
        child.on("exit", () => children.delete(child));
        return child;
      };
      for (let i = 0; i < WORKERS; i++) spawnWorker();

      // "The last 60 days" moves with the clock: a message can leave the window between this count and
      // the run's own listing, so the run must match the count before it or the one after it.
      const before = archiveExpectations(MAILBOX, 60);
      expect(before.items).toBeGreaterThanOrEqual(2000);
      const { runId } = await harness.runtime.enqueueRun({
        skill: "archive-attachments",
        params: { days: 60 },
        requester: "chaos",
      });

      let kills = 0;
      const started = Date.now();
      while (kills < KILLS && Date.now() - started < 120_000) {
        await new Promise((resolve) => setTimeout(resolve, 400 + Math.random() * 1200));
        const run = await harness.runtime.status(runId);
        if (run?.finishedAt !== undefined) break;
        const victim = [...children][Math.floor(Math.random() * children.size)];
        if (victim === undefined) continue;
        victim.kill("SIGKILL");
        kills++;
        spawnWorker();
      }
      const run = await harness.waitForRun(runId, 150_000);
      for (const child of children) child.kill("SIGTERM");
      const after = archiveExpectations(MAILBOX, 60);
      const want = run.total === after.items ? after : before;

      expect(kills).toBeGreaterThanOrEqual(5);
      expect(run.lastErrors).toEqual([]);
      expect(run).toMatchObject({ status: "completed", total: want.items, done: want.items, failed: 0, skipped: 0 });
      const counters = readDemoCounters(join(state.dir, "demo"));
      expect(counters.filesWritten).toBe(want.files);
      expect(counters.duplicateWrites).toBe(0);
      // A worker killed while its upload was in flight never learnt the result, so the retry sends that
      // call again; the server answers it from its idempotency record (no second file). Every upload
      // beyond one per file is such a replay, and there are at most as many as items in flight per kill.
      const repeated = (counters.calls.onedrive__upload_file ?? 0) - want.files;
      expect(repeated).toBeGreaterThanOrEqual(0);
      expect(repeated).toBeLessThanOrEqual(counters.idempotentReplays);
      expect(counters.idempotentReplays).toBeLessThanOrEqual(kills * 8);
      expect(Object.values(counters.writesByPath).filter((n) => n > 1)).toEqual([]);
      if (cluster !== undefined) {
        // Every key of the run is on one master: one hash tag, so every script and MULTI found its slot.
        const sizes = await Promise.all(cluster.nodes.map((node) => keyCount(node.url)));
        expect(sizes.filter((size) => size > 0)).toHaveLength(1);
      }
      await harness.close();
    }, 180_000);
  },
);
