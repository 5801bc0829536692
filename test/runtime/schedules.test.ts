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
});
