import { afterEach, describe, expect, it } from "vitest";
import { checkCron, Schedules } from "../../src/runtime/schedules.ts";
import { demoConfig, tempStateDir, waitFor } from "../helpers/demo.ts";
import { runtimeHarness, saveTestSkill, type RuntimeHarness } from "../helpers/runtime.ts";

const COUNTER_SKILL = `export async function run(item: unknown, params: { tag: string }, ctx: any) {
  await ctx.tools.onedrive__list_children({ path: "/" });
  return params.tag;
}`;

describe("schedules", () => {
  let harness: RuntimeHarness | undefined;
  const dirs: ReturnType<typeof tempStateDir>[] = [];
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    for (const dir of dirs.splice(0)) dir.cleanup();
  });

  it("should reject a bad cron or time zone with the fix", () => {
    expect(() => checkCron("61 * * * *", "UTC")).toThrow(/bad cron "61 \* \* \* \*": .*Five fields/);
    expect(() => checkCron("0 8 * * *", "Mars/Olympus")).toThrow(/unknown time zone "Mars\/Olympus": use an IANA name/);
    expect(checkCron("0 8 * * *", "Europe/Paris").getTime()).toBeGreaterThan(Date.now());
  });

  it("should fire runs with no model call, and keep firing after the workers restart", async () => {
    const dir = tempStateDir();
    dirs.push(dir);
    harness = await runtimeHarness(demoConfig(dir.dir, {}, 10));
    await saveTestSkill(harness.skills, {
      name: "tick",
      description: "Lists the drive root.",
      params: { type: "object", properties: { tag: { type: "string" } }, required: ["tag"] },
      code: COUNTER_SKILL,
      tools: [{ id: "onedrive__list_children", access: "read-only" }],
    });
    const schedules = new Schedules(harness.runtime);
    await expect(
      schedules.create({ skill: "tick", cron: "* * * * * *", params: {}, requester: "ana" }),
    ).rejects.toMatchObject({ code: "PARAMS_INVALID" });
    await expect(
      schedules.create({ skill: "nope", cron: "* * * * * *", params: {}, requester: "ana" }),
    ).rejects.toMatchObject({ code: "SKILL_UNKNOWN" });
    const created = await schedules.create({
      skill: "tick",
      cron: "* * * * * *",
      params: { tag: "every-second" },
      requester: "ana",
    });
    expect((await schedules.list()).map((s) => s.id)).toEqual([created.id]);
    await waitFor(async () => (await harness!.runtime.progress.recent(10)).length >= 2, 10_000);

    // Restart: new workers and queues on the same Redis; the scheduler lives there.
    await harness.workers.close();
    await harness.runtime.close();
    const before = (await harness.runtime.progress.recent(100)).length;
    const revived = harness.revive();
    const workers = revived.startWorkers();
    try {
      await waitFor(async () => (await revived.progress.recent(100)).length >= before + 2, 10_000);
      const latest = await revived.status((await revived.progress.recent(1))[0] as string);
      expect(latest).toMatchObject({ skill: "tick", params: { tag: "every-second" } });
      await new Schedules(revived).remove(created.id, "test:ana");
      await expect(new Schedules(revived).remove(created.id, "test:ana")).rejects.toMatchObject({
        code: "SCHEDULE_UNKNOWN",
      });
      expect(await new Schedules(revived).list()).toEqual([]);
    } finally {
      await workers.close();
      await revived.close();
    }
  }, 60_000);

  it("should make the same schedule once, keeping the id an earlier release gave it", async () => {
    const dir = tempStateDir();
    dirs.push(dir);
    harness = await runtimeHarness(demoConfig(dir.dir, {}, 10));
    await saveTestSkill(harness.skills, { name: "tock", code: COUNTER_SKILL, tools: [] });
    const schedules = new Schedules(harness.runtime);
    // A schedule as the release before made it: another scheme of ids, the same template.
    await harness.runtime.runs.upsertJobScheduler(
      "sch-tock-1a2b3c4d",
      { pattern: "0 8 * * 1-5", tz: "UTC" },
      { name: "run", data: { skill: "tock", params: { tag: "a" }, requester: "ana" } },
    );
    const again = await schedules.create({ skill: "tock", cron: "0 8 * * 1-5", params: { tag: "a" }, requester: "bo" });
    expect(again.id).toBe("sch-tock-1a2b3c4d");
    const other = await schedules.create({ skill: "tock", cron: "0 8 * * 1-5", params: { tag: "b" }, requester: "bo" });
    const twice = await schedules.create({ skill: "tock", cron: "0 8 * * 1-5", params: { tag: "b" }, requester: "bo" });
    expect(twice.id).toBe(other.id);
    expect(other.id).toMatch(/^sch-tock-[0-9a-f]{32}$/);
    expect((await schedules.list()).map((s) => s.id).sort()).toEqual([other.id, "sch-tock-1a2b3c4d"].sort());
  });

  it("should pause a schedule after three failed firings in a row, keep it resumable, and count each firing once", async () => {
    const dir = tempStateDir();
    dirs.push(dir);
    harness = await runtimeHarness(demoConfig(dir.dir, {}, 10), { itemAttempts: 1 });
    const h = harness;
    await saveTestSkill(h.skills, {
      name: "flaky",
      code: `export async function run() { throw new Error("the mailbox is gone"); }`,
      tools: [],
    });
    const schedules = new Schedules(h.runtime);
    const thread = { platform: "console", channel: "c1", thread: "t1" };
    const made = await schedules.create({
      skill: "flaky",
      cron: "* * * * * *",
      params: {},
      requester: "console:ana",
      thread,
    });
    await waitFor(async () => (await schedules.get(made.id))?.paused !== undefined, 20_000);
    const paused = await schedules.get(made.id);
    expect(paused?.paused?.reason).toBe("3 runs in a row failed");
    expect(paused?.paused?.error).toContain("the mailbox is gone");
    // Its scheduler is gone: no more firings while paused.
    expect(await h.runtime.runs.getJobScheduler(made.id)).toBeUndefined();
    const runs = (await h.runtime.progress.recent(100)).length;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await h.runtime.progress.recent(100)).length).toBe(runs);
    // The thread heard it once, with Resume and Show the last error.
    const notices = [...h.surface.messages.values()].filter((entry) =>
      entry.message.blocks.some((block) => block.type === "actions"),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]?.thread).toEqual(thread);
    // It paused at the third failure; a firing already under way when it paused counts on after it.
    expect(paused?.paused?.failures).toBe(3);
    const ended = (await Promise.all((await h.runtime.progress.recent(100)).map((id) => h.runtime.status(id)))).filter(
      (run) => run?.skill === "flaky" && run.finishedAt !== undefined,
    ).length;
    const failure = await h.runtime.scheduleHealth.lastFailure(made.id);
    expect(failure?.failures).toBe(ended);
    expect(failure?.error).toContain("the mailbox is gone");
    // A report of the same firing again (a retried end) changes nothing.
    const last = await h.runtime.status(failure?.runId as string);
    expect(await h.runtime.scheduleHealth.record(last!)).toBeUndefined();
    expect((await h.runtime.scheduleHealth.lastFailure(made.id))?.failures).toBe(ended);

    const resumed = await schedules.resume(made.id, "console:ana");
    expect(resumed.paused).toBeUndefined();
    expect(resumed.next).not.toBeNull();
    await expect(schedules.resume(made.id, "console:ana")).rejects.toMatchObject({ code: "SCHEDULE_NOT_PAUSED" });
    // Failing again from zero: it takes three more firings to pause it again.
    await waitFor(async () => (await schedules.get(made.id))?.paused !== undefined, 20_000);
    expect((await h.runtime.progress.recent(100)).length).toBeGreaterThanOrEqual(runs + 3);
    await schedules.remove(made.id, "console:ana");
    expect(await schedules.list()).toEqual([]);
    expect(await h.runtime.scheduleHealth.lastFailure(made.id)).toBeUndefined();
  }, 60_000);

  it("should pause a schedule at its first schema drift, and not for a clean firing", async () => {
    const dir = tempStateDir();
    dirs.push(dir);
    harness = await runtimeHarness(demoConfig(dir.dir, {}, 10), { itemAttempts: 1 });
    const h = harness;
    await saveTestSkill(h.skills, {
      name: "drifter",
      code: COUNTER_SKILL,
      params: { type: "object", properties: { tag: { type: "string" } } },
      // Locked as if the drive's listing had carried a field it does not.
      tools: [
        {
          id: "onedrive__list_children",
          access: "read-only",
          schema: { type: "object", properties: { folders: { type: "array" } }, required: ["folders"] },
        },
      ],
    });
    await saveTestSkill(h.skills, {
      name: "steady",
      code: COUNTER_SKILL,
      tools: [{ id: "onedrive__list_children", access: "read-only" }],
    });
    const schedules = new Schedules(h.runtime);
    const drifting = await schedules.create({
      skill: "drifter",
      cron: "* * * * * *",
      params: { tag: "x" },
      requester: "console:ana",
    });
    const steady = await schedules.create({
      skill: "steady",
      cron: "* * * * * *",
      params: { tag: "y" },
      requester: "console:ana",
    });
    await waitFor(async () => (await schedules.get(drifting.id))?.paused !== undefined, 20_000);
    expect((await schedules.get(drifting.id))?.paused?.reason).toBe(
      "its tools' output drifted from the schemas locked at approval",
    );
    // It paused at its first failure (a firing already under way may still end failed after it).
    expect((await schedules.get(drifting.id))?.paused?.failures).toBe(1);
    await waitFor(async () => {
      const ids = await h.runtime.progress.recent(100);
      const runs = await Promise.all(ids.map((id) => h.runtime.status(id)));
      return runs.filter((run) => run?.skill === "steady" && run.finishedAt !== undefined).length >= 2;
    }, 20_000);
    expect((await schedules.get(steady.id))?.paused).toBeUndefined();
    await schedules.remove(steady.id, "console:ana");
    await schedules.remove(drifting.id, "console:ana");
  }, 60_000);
});
