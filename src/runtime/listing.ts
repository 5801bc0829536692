import { type Job, type Queue, UnrecoverableError } from "bullmq";
import { asCodedError } from "../errors.ts";
import { digestId } from "../ids.ts";
import { ITEM_JOB } from "../queues.ts";
import { SKILL_EXPORTS } from "../skills/schema.ts";
import type { SkillRecord } from "../skills/store.ts";
import { unreadableReason } from "../stored.ts";
import { threadKey } from "../ui/surface.ts";
import type { ItemJob, RunJob } from "./jobs.ts";
import { validateParams } from "./params.ts";
import { itemToolsOf, memoryOf, type RuntimeParts } from "./parts.ts";
import type { RunEnd } from "./run-end.ts";

/** Items enqueued per addBulk call. */
const BULK = 500;

/**
 * A run job: items() lists the work, keys already in the skill's dedup memory are skipped, and one
 * item job per key goes to the items queue with a deterministic id, so listing twice (a retried run
 * job) enqueues nothing twice. A skill without items() is one item, "run".
 */
export class RunListing {
  constructor(
    private readonly parts: RuntimeParts,
    private readonly items: Queue<ItemJob>,
    private readonly end: RunEnd,
  ) {}

  async process(job: Job<RunJob>): Promise<void> {
    try {
      await this.list(job);
    } catch (error) {
      // BullMQ retries a run job; an error no retry can fix (bad params, unknown skill) stops at once.
      const coded = asCodedError(error);
      if (!coded.retryable) throw new UnrecoverableError(`${coded.code}: ${coded.message}`);
      throw error;
    }
  }

  private async list(job: Job<RunJob>): Promise<void> {
    const { parts } = this;
    const data = job.data;
    // Scheduled runs arrive without an id: derive one from the job's, without ":" (BullMQ refuses it in ids).
    const runId = data.runId ?? `s${digestId(String(job.id))}`;
    let skill: SkillRecord | undefined;
    try {
      skill =
        data.version === undefined
          ? await parts.skills.latest(data.skill)
          : await parts.skills.version(data.skill, data.version);
    } catch (error) {
      // A version saved in a shape this release cannot read: the run fails with why, no retry.
      const why = unreadableReason(error);
      parts.log.error({ run: runId, skill: data.skill, err: why }, "the run's skill cannot be read");
      if ((await parts.progress.status(runId)) !== undefined) await this.end.stop(runId, "failed", why);
      return;
    }
    if (skill === undefined) {
      parts.log.warn({ run: runId, skill: data.skill }, "the run's skill is gone; nothing to run");
      return;
    }
    const fresh = await parts.progress.create({
      runId,
      skill: skill.name,
      version: skill.version,
      params: data.params,
      requester: data.requester,
      thread: data.thread,
      // A firing of a schedule: its end counts toward the schedule's health (src/runtime/schedule-health.ts).
      schedule: data.runId === undefined ? job.repeatJobKey : undefined,
    });
    if (fresh && data.runId === undefined) {
      await parts.audit?.append({
        action: "run",
        who: `schedule:${job.repeatJobKey ?? "?"}`,
        skill: skill.name,
        version: skill.version,
        thread: data.thread === undefined ? undefined : threadKey(data.thread),
        detail: runId,
      });
    }
    const before = await parts.progress.snapshot(runId);
    // Counted once: a listing retried after a crash finds the run past "queued".
    if (fresh || before?.status === "queued") parts.metrics?.runsStarted.inc({ skill: skill.name });
    // A retried listing of a run that ended: nothing to list, only a report that may have failed.
    if (!fresh && before?.finishedAt !== undefined) return this.end.reportIfMissed(runId);
    if (before !== undefined) await parts.observer.started(before);
    await parts.progress.set(runId, { status: "listing" });
    let params: Record<string, unknown>;
    try {
      params = validateParams(skill.name, skill.params, data.params);
    } catch (error) {
      return this.end.stop(runId, "failed", asCodedError(error).message);
    }
    const listed = parts.facts.exports(skill).has(SKILL_EXPORTS.items)
      ? await this.listed(skill, runId, params)
      : [{ key: "run", item: null }];
    if (listed === undefined) return;
    // A listing retried after its worker died: some of its items may be running, or ran and are not counted yet.
    const retried = !fresh && before !== undefined && before.status !== "queued";
    const todo = await this.withoutDone(skill, runId, listed, retried);
    await parts.progress.set(runId, { total: String(listed.length), status: "running" });
    parts.log.info(
      { run: runId, skill: skill.name, version: skill.version, items: listed.length, todo: todo.length },
      "run listed its items",
    );
    const attempts = parts.settings.itemAttempts;
    for (let start = 0; start < todo.length; start += BULK) {
      await this.items.addBulk(
        todo.slice(start, start + BULK).map((entry) => ({
          name: "item",
          data: { runId, key: entry.key, item: entry.item },
          opts: { ...ITEM_JOB, jobId: itemJobId(runId, entry.key), attempts },
        })),
      );
    }
    if (await parts.progress.completeIfDone(runId)) await this.end.report(runId);
    else {
      parts.observer.changed(runId);
      await this.end.reportIfMissed(runId);
    }
  }

  /** What items() returned, each key once; undefined when the run was stopped instead. */
  private async listed(
    skill: SkillRecord,
    runId: string,
    params: Record<string, unknown>,
  ): Promise<{ key: string; item: unknown }[] | undefined> {
    const { parts } = this;
    const tools = itemToolsOf(parts, skill, runId, SKILL_EXPORTS.items);
    const result = await parts.sandbox.run(skill.code, {
      tools,
      memory: memoryOf(parts, skill),
      entry: { name: SKILL_EXPORTS.items, args: [params] },
      limits: { timeoutMs: parts.settings.listTimeoutMs },
      filename: `${skill.name}.ts`,
    });
    if (!result.ok) {
      if (result.error?.code === "MCP_RATE_LIMITED" || tools.rateLimitedMs !== undefined)
        throw new Error(`items() was rate limited: ${result.error?.message}`);
      await this.end.stop(runId, "failed", `items() failed: ${result.error?.code}: ${result.error?.message}`);
      return undefined;
    }
    if (!Array.isArray(result.value)) {
      await this.end.stop(runId, "failed", "items() returned no array");
      return undefined;
    }
    const seen = new Set<string>();
    const listed: { key: string; item: unknown }[] = [];
    for (const item of result.value as unknown[]) {
      const key = (item as { key?: unknown })?.key;
      if (typeof key !== "string" || key === "") {
        const shown = JSON.stringify(item)?.slice(0, 100);
        await this.end.stop(runId, "failed", `items() returned an item without a string key: ${shown}`);
        return undefined;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      listed.push({ key, item });
    }
    return listed;
  }

  /**
   * The listed items not yet in the skill's dedup memory; those in it are counted as skipped. On a
   * retried listing, a key in the memory whose item job this run already made stays listed: the skill's
   * own ctx.memory.add may have run in an item not counted yet, which its job counts (as done), and
   * adding it again adds nothing (the job id is the same).
   */
  private async withoutDone(
    skill: SkillRecord,
    runId: string,
    listed: { key: string; item: unknown }[],
    retried: boolean,
  ): Promise<{ key: string; item: unknown }[]> {
    const memory = memoryOf(this.parts, skill);
    if (memory === undefined) return listed;
    const known = await memory.knows(listed.map((entry) => entry.key));
    if (retried) {
      for (const [index, entry] of listed.entries()) {
        if (known[index] && (await this.items.getJob(itemJobId(runId, entry.key))) !== undefined) known[index] = false;
      }
    }
    const todo = listed.filter((_, index) => !known[index]);
    if (listed.length > todo.length)
      this.parts.metrics?.items.inc({ skill: skill.name, outcome: "skipped" }, listed.length - todo.length);
    await this.parts.progress.skipItems(
      runId,
      listed.filter((_, index) => known[index]).map((entry) => entry.key),
    );
    return todo;
  }
}

/** `<run>-<key digest>`: deterministic, and free of ":" which BullMQ refuses in custom ids. */
export function itemJobId(runId: string, key: string): string {
  return `${runId}-${digestId(key)}`;
}
