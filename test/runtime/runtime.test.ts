import { afterEach, describe, expect, it } from "vitest";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import { IsolatedSandbox } from "../../src/sandbox/runner.ts";
import { SkillKeys } from "../../src/skills/keys.ts";
import type { SandboxExecutor } from "../../src/sandbox/types.ts";
import { demoConfig, demoServer, tempStateDir } from "../helpers/demo.ts";
import {
  approveArchiveSkill,
  archiveExpectations,
  runtimeHarness,
  saveTestSkill,
  type RuntimeHarness,
} from "../helpers/runtime.ts";

const THREAD = { platform: "test", channel: "c", thread: "runs" };

describe("SkillRuntime", () => {
  let harness: RuntimeHarness | undefined;
  const dirs: ReturnType<typeof tempStateDir>[] = [];
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    for (const dir of dirs.splice(0)) dir.cleanup();
  });
  const stateDir = () => {
    const dir = tempStateDir();
    dirs.push(dir);
    return dir.dir;
  };

  it("should run the archive skill item by item, report progress, and skip done items on a re-run", async () => {
    const dir = stateDir();
    harness = await runtimeHarness(demoConfig(dir, {}, 200));
    await approveArchiveSkill(harness.skills, harness.pool);
    const { runId } = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 15 },
      requester: "ana",
      thread: THREAD,
    });
    const run = await harness.waitForRun(runId);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe("completed");
    expect(run.total).toBeGreaterThan(10);
    expect(run.done).toBe(run.total);
    expect(run.lastErrors).toEqual([]);
    expect(run.failed).toBe(0);
    const counters = readDemoCounters(dir);
    expect(counters.filesWritten).toBe(archiveExpectations(200, 15).files);
    expect(counters.duplicateWrites).toBe(0);
    expect(Object.values(counters.writesByPath).every((n) => n === 1)).toBe(true);
    // The summary goes out after the final progress update.
    expect(await harness.surface.waitForText(`Run ${runId} of archive-attachments v1 finished`)).toContain("0 failed");
    expect(harness.surface.lastBlock("progress")).toMatchObject({ done: run.total, total: run.total });

    const again = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 15 },
      requester: "ana",
    });
    const second = await harness.waitForRun(again.runId);
    expect(second).toMatchObject({ status: "completed", skipped: run.total, done: 0 });
    expect(readDemoCounters(dir).filesWritten).toBe(counters.filesWritten);
  }, 90_000);

  it("should refuse an unknown skill and bad params in one line each", async () => {
    harness = await runtimeHarness(demoConfig(stateDir(), {}, 20));
    await approveArchiveSkill(harness.skills, harness.pool);
    await expect(harness.runtime.enqueueRun({ skill: "nope", params: {}, requester: "ana" })).rejects.toMatchObject({
      code: "SKILL_UNKNOWN",
      message: expect.stringContaining("Skills: archive-attachments"),
    });
    await expect(
      harness.runtime.enqueueRun({ skill: "archive-attachments", params: { days: "many" }, requester: "ana" }),
    ).rejects.toMatchObject({
      code: "PARAMS_INVALID",
      message:
        'archive-attachments: days = "many": must be integer (parameters: days, internalDomain, root, useMemory)',
    });
    await expect(
      harness.runtime.enqueueRun({ skill: "archive-attachments", params: { days: 0 }, requester: "ana" }),
    ).rejects.toMatchObject({ message: expect.stringContaining("days = 0: must be >= 1") });
  });

  it("should replay a retried item's journaled writes instead of repeating them", async () => {
    const dir = stateDir();
    harness = await runtimeHarness({ mcpServers: { onedrive: demoServer("onedrive", dir) } });
    await saveTestSkill(harness.skills, {
      name: "flaky-writer",
      description: "Writes a file, then fails once.",
      code: `export async function run(item: unknown, params: unknown, ctx: any) {
  await ctx.tools.onedrive__upload_file({ parent_path: "/", name: "report.txt", content_text: "v1", conflictBehavior: "fail" });
  if (!(await ctx.memory.has("failed-once"))) { await ctx.memory.add("failed-once"); throw new Error("transient failure after the write"); }
}`,
      memory: true,
      tools: [{ id: "onedrive__upload_file", access: "destructive" }],
    });
    const { runId } = await harness.runtime.enqueueRun({ skill: "flaky-writer", params: {}, requester: "ana" });
    const run = await harness.waitForRun(runId);
    expect(run).toMatchObject({ status: "completed", done: 1, failed: 0 });
    const counters = readDemoCounters(dir);
    expect(counters.filesWritten).toBe(1);
    expect(counters.conflicts).toBe(0);
    expect(counters.calls.onedrive__upload_file).toBe(1);
  }, 60_000);

  it("should fail an item whose retry writes in another order with JOURNAL_MISMATCH, never another write's result", async () => {
    const dir = stateDir();
    harness = await runtimeHarness({ mcpServers: { onedrive: demoServer("onedrive", dir) } });
    await saveTestSkill(harness.skills, {
      name: "reordering-writer",
      description: "Creates a folder then fails once; its retry uploads first.",
      code: `export async function run(item: unknown, params: unknown, ctx: any) {
  if (!(await ctx.memory.has("failed-once"))) {
    await ctx.tools.onedrive__create_folder({ parent_path: "/", name: "Archive" });
    await ctx.memory.add("failed-once");
    throw new Error("transient failure after the write");
  }
  const uploaded = await ctx.tools.onedrive__upload_file({ parent_path: "/", name: "report.txt", content_text: "v1" });
  return uploaded;
}`,
      memory: true,
      tools: [
        { id: "onedrive__create_folder", access: "writes" },
        { id: "onedrive__upload_file", access: "destructive" },
      ],
    });
    const { runId } = await harness.runtime.enqueueRun({ skill: "reordering-writer", params: {}, requester: "ana" });
    const run = await harness.waitForRun(runId);
    expect(run).toMatchObject({ status: "completed", done: 0, failed: 1 });
    expect(run.lastErrors[0]).toMatch(
      /JOURNAL_MISMATCH: write 0 of this item was onedrive__create_folder in an earlier attempt and is onedrive__upload_file now/,
    );
    // The upload never went out with the folder's result standing in for it, and was not retried again.
    expect(readDemoCounters(dir).calls.onedrive__upload_file ?? 0).toBe(0);
  }, 60_000);

  it("should stop a run when a tool's shape drifts, naming the path", async () => {
    const dir = stateDir();
    const approvedAgainst = await runtimeHarness(demoConfig(stateDir(), {}, 200));
    const skill = await approveArchiveSkill(approvedAgainst.skills, approvedAgainst.pool);
    await approvedAgainst.close();
    harness = await runtimeHarness(demoConfig(dir, { DEMO_DRIFT: "sender" }, 200));
    const { version: _version, created: _created, ...record } = skill;
    await harness.skills.save(record);
    const { runId } = await harness.runtime.enqueueRun({
      skill: "archive-attachments",
      params: { days: 15 },
      requester: "ana",
      thread: THREAD,
    });
    const run = await harness.waitForRun(runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(
      /SCHEMA_DRIFT: outlook__list_messages no longer returns the locked shape: value\[0\]\.from: missing \(was object\)/,
    );
    await harness.surface.waitForText(`Run ${runId} of archive-attachments v1 failed`);
    expect(readDemoCounters(dir).filesWritten).toBe(0);
  }, 60_000);

  it("should fail an item at once when no retry can help (a missing export), and retry one that may pass", async () => {
    const sandbox = new IsolatedSandbox();
    const runs = new Map<string, number>();
    const counting: SandboxExecutor = {
      run: (code, options) => {
        const entry = options?.entry?.name ?? "script";
        runs.set(entry, (runs.get(entry) ?? 0) + 1);
        return sandbox.run(code, options);
      },
    };
    harness = await runtimeHarness(demoConfig(stateDir(), {}, 20), { sandbox: counting });
    await saveTestSkill(harness.skills, {
      name: "no-run-export",
      code: "export async function items() { return [{ key: 'a' }, { key: 'b' }]; }\nexport async function runn() {}\n",
      tools: [],
    });
    const { runId } = await harness.runtime.enqueueRun({ skill: "no-run-export", params: {}, requester: "ana" });
    const run = await harness.waitForRun(runId);
    expect(run).toMatchObject({ status: "completed", done: 0, failed: 2 });
    expect(run.lastErrors.join("\n")).toMatch(/SKILL_NO_ENTRY: the skill exports no function run/);
    // One attempt per item: the error says retrying cannot help.
    expect(runs.get("run")).toBe(2);

    await saveTestSkill(harness.skills, {
      name: "always-throws",
      code: "export async function run() { throw new Error('flaky upstream'); }\n",
      tools: [],
    });
    const second = await harness.waitForRun(
      (await harness.runtime.enqueueRun({ skill: "always-throws", params: {}, requester: "ana" })).runId,
    );
    expect(second).toMatchObject({ failed: 1 });
    // An ordinary error may pass on a retry: all three attempts ran.
    expect(runs.get("run")).toBe(2 + 3);
  }, 60_000);

  it("should fail a run of a skill version saved in a shape this release cannot read, saying why, never retrying", async () => {
    harness = await runtimeHarness(demoConfig(stateDir(), {}, 20));
    const v1 = await saveTestSkill(harness.skills, {
      name: "from-the-future",
      code: "export async function run() { return 1; }\n",
      tools: [],
    });
    // A newer codemem (a rolling upgrade) saved v2 in a format this one does not know.
    const keys = new SkillKeys(harness.prefix);
    await harness.redis.set(keys.version(v1.name, 2), JSON.stringify({ ...v1, version: 2, format: 2 }));
    await harness.redis.set(keys.latest(v1.name), "2");
    await expect(
      harness.runtime.enqueueRun({ skill: v1.name, version: 2, params: {}, requester: "ana" }),
    ).rejects.toMatchObject({
      code: "STATE_UNREADABLE",
      message:
        "skill from-the-future v2 cannot be read: it was saved by a newer codemem (format 2; this one reads up to 1)",
    });
    // A run job that reaches a worker all the same (queued by the newer process) ends failed with the reason.
    await harness.runtime.progress.create({
      runId: "rfuture",
      skill: v1.name,
      version: 2,
      params: {},
      requester: "ana",
    });
    await harness.runtime.runs.add(
      "run",
      { runId: "rfuture", skill: v1.name, version: 2, params: {}, requester: "ana" },
      { jobId: "rfuture", attempts: 3 },
    );
    const run = await harness.waitForRun("rfuture");
    expect(run).toMatchObject({ status: "failed", error: expect.stringContaining("saved by a newer codemem") });
    const job = await harness.runtime.runs.getJob("rfuture");
    expect(job?.attemptsMade ?? 0).toBeLessThanOrEqual(1);
  }, 60_000);
});
