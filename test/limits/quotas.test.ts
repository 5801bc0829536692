import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { freesIn, Quotas, type QuotaSettings } from "../../src/limits/quotas.ts";
import { Metrics } from "../../src/ops/metrics.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());
const prefix = () => `quota${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
const settings: QuotaSettings = {
  sessionsPerHour: 2,
  modelTokensPerDay: 1000,
  runsPerHour: 3,
  concurrentRunsPerSkill: 1,
  workspaceModelTokensPerDay: 2500,
};

describe("Quotas", () => {
  it("should give each person their own sessions, shared by every process, and say when the next frees", async () => {
    const shared = prefix();
    const a = new Quotas(redis, shared, settings);
    const b = new Quotas(redis, shared, settings);
    expect(await a.startSession("slack:UMAL")).toBeUndefined();
    expect(await b.startSession("slack:UMAL")).toBeUndefined();
    const hit = await a.startSession("slack:UMAL");
    expect(hit?.limit).toBe("sessions");
    // Two an hour: one frees every 30 minutes.
    expect(hit?.line).toBe("You started 2 sessions in the last hour, the most one person may; it frees in 30 min.");
    expect(await b.startSession("slack:UALICE")).toBeUndefined();
    // The same id on another platform is another person.
    expect(await b.startSession("teams:UMAL")).toBeUndefined();
  });

  it("should charge model tokens after each call, refuse the person in debt, then everyone past the install's budget", async () => {
    const metrics = new Metrics();
    const quotas = new Quotas(redis, prefix(), settings, metrics);
    expect(await quotas.mayCallModel("console:mallory")).toBeUndefined();
    await quotas.chargeModel("console:mallory", 1200);
    const own = await quotas.mayCallModel("console:mallory");
    expect(own?.limit).toBe("model_tokens");
    expect(own?.line).toMatch(/^Your sessions used their 1,000 model tokens for the day; it frees in (4|5) h/);
    expect(await quotas.mayCallModel("console:alice")).toBeUndefined();
    await quotas.chargeModel("console:alice", 900);
    await quotas.chargeModel("console:bob", 900);
    // 3,000 of 2,500 spent in all: carol, who used nothing, waits too.
    const all = await quotas.mayCallModel("console:carol");
    expect(all?.limit).toBe("workspace_model_tokens");
    expect(all?.line).toMatch(
      /^Everyone's sessions together used the 2,500 model tokens this install allows a day; it frees in/,
    );
    const refusals = await metrics.registry.getSingleMetricAsString("codemem_limit_refusals_total");
    expect(refusals).toContain('codemem_limit_refusals_total{limit="model_tokens"} 1');
    expect(refusals).toContain('codemem_limit_refusals_total{limit="workspace_model_tokens"} 1');
  });

  it("should count runs a person starts, and admit one run of a skill at a time until it ends", async () => {
    const quotas = new Quotas(redis, prefix(), settings);
    for (let i = 0; i < 3; i++) expect(await quotas.startRun("console:mallory")).toBeUndefined();
    expect((await quotas.startRun("console:mallory"))?.line).toBe(
      "You started 3 runs in the last hour, the most one person may; it frees in 20 min.",
    );
    const going = new Set<string>(["r1"]);
    const isGoing = async (id: string) => going.has(id);
    expect(await quotas.admitRun("archive", "r1", isGoing)).toBeUndefined();
    expect((await quotas.admitRun("archive", "r2", isGoing))?.line).toBe(
      "1 run of archive is going, the most at once; it frees when one of them ends.",
    );
    expect(await quotas.admitRun("other-skill", "r3", isGoing)).toBeUndefined();
    going.delete("r1");
    expect(await quotas.admitRun("archive", "r2", isGoing)).toBeUndefined();
  });

  it("should turn a limit off with 0", async () => {
    const quotas = new Quotas(redis, prefix(), { ...settings, sessionsPerHour: 0, concurrentRunsPerSkill: 0 });
    for (let i = 0; i < 5; i++) expect(await quotas.startSession("console:x")).toBeUndefined();
    for (let i = 0; i < 5; i++) expect(await quotas.admitRun("s", `r${i}`, async () => true)).toBeUndefined();
  });

  it("should say when a limit frees in words a person reads", () => {
    expect(freesIn(20_000)).toBe("it frees in 20 s");
    expect(freesIn(90_000)).toBe("it frees in 2 min");
    expect(freesIn(3_600_000)).toBe("it frees in 1 h");
    expect(freesIn(7_500_000)).toBe("it frees in 2 h 5 min");
  });
});
