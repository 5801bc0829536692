import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import { demoMcpConfig } from "../../src/demo/mcp-config.ts";
import { McpPool } from "../../src/mcp/pool.ts";
import { tempStateDir } from "../helpers/demo.ts";
import { approveArchiveSkill, runtimeHarness } from "../helpers/runtime.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");

describe("graceful shutdown", () => {
  const state = tempStateDir("codemem-sigterm-");
  afterAll(() => state.cleanup());

  it("should finish the items in hand on SIGTERM, exit 0, and leave the rest to the next worker", async () => {
    const mcpFile = join(state.dir, "mcp.json");
    writeFileSync(
      mcpFile,
      JSON.stringify(
        demoMcpConfig({ stateDir: join(state.dir, "demo"), mailboxSize: 200, env: { DEMO_LATENCY_MS: "150" } }),
      ),
    );
    const harness = await runtimeHarness({ mcpServers: {} });
    await harness.workers.close();
    const pool = new McpPool({ config: demoMcpConfig({ stateDir: join(state.dir, "probe"), mailboxSize: 200 }) });
    await approveArchiveSkill(harness.skills, pool);
    await pool.close();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: inject("redisUrl"),
      CODEMEM_PREFIX: harness.prefix,
      CODEMEM_MCP_CONFIG: mcpFile,
      CODEMEM_HOME: join(state.dir, ".codemem"),
      CODEMEM_ITEM_CONCURRENCY: "4",
    };
    const worker = () => spawn(process.execPath, ["--no-node-snapshot", BIN, "worker"], { env, stdio: "ignore" });

    const first = worker();
    const { runId } = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 15 },
      requester: "ana",
    });
    for (;;) {
      const run = await harness.runtime.status(runId);
      if (run !== undefined && run.done >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const exit = new Promise<number | null>((resolve) => first.once("exit", (code) => resolve(code)));
    first.kill("SIGTERM");
    expect(await exit).toBe(0);
    const counts = await harness.runtime.items.getJobCounts("active");
    expect(counts.active).toBe(0);
    const paused = await harness.runtime.status(runId);
    expect(paused?.finishedAt).toBeUndefined();

    const second = worker();
    try {
      const run = await harness.waitForRun(runId, 60_000);
      expect(run).toMatchObject({ status: "completed", failed: 0 });
      expect(run.done).toBe(run.total);
      const counters = readDemoCounters(join(state.dir, "demo"));
      expect(counters.duplicateWrites).toBe(0);
      expect(Object.values(counters.writesByPath).filter((n) => n > 1)).toEqual([]);
    } finally {
      second.kill("SIGTERM");
      await harness.close();
    }
  }, 90_000);
});
