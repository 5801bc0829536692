import { type Job, Worker } from "bullmq";
import { SKILL_EXPORTS } from "../skills/schema.ts";
import type { SkillRecord } from "../skills/store.ts";
import { unreadableReason } from "../stored.ts";
import type { ItemJob } from "./jobs.ts";
import { itemToolsOf, memoryOf, type RuntimeParts } from "./parts.ts";
import type { RunEnd } from "./run-end.ts";

/**
 * An item job: run(item) of the run's skill version in the sandbox, with the skill's approved tools
 * only. A 429 hands the item back (no attempt spent), a drift counts toward stopping the run, an error
 * that can pass is retried, and the rest is counted as failed.
 */
export class ItemRunner {
  constructor(
    private readonly parts: RuntimeParts,
    private readonly end: RunEnd,
  ) {}

  async process(job: Job<ItemJob>, worker: Worker<ItemJob>): Promise<void> {
    const { parts, end } = this;
    const { runId, key, item } = job.data;
    const status = await parts.cache.status(runId);
    if (status === undefined) return;
    if (status === "stopped" || status === "failed") return end.item(runId, key, "skipped");
    const run = await parts.cache.info(runId);
    if (run === undefined) return;
    let skill: SkillRecord | undefined;
    try {
      skill = await parts.skills.version(run.skill, run.version);
    } catch (error) {
      // A version saved in a shape this release cannot read fails every item alike: the run stops.
      const why = unreadableReason(error);
      await end.item(runId, key, "failed", `STATE_UNREADABLE: ${why}`);
      return end.stop(runId, "failed", why);
    }
    if (skill === undefined) return end.item(runId, key, "failed", `skill ${run.skill} v${run.version} is gone`);
    // attemptsStarted counts every start (retries, stalled-job recovery, 429 hand-backs alike).
    const tools = itemToolsOf(parts, skill, runId, key, job.data.handBacks ?? 0, job.attemptsStarted <= 1);
    const started = performance.now();
    const result = await parts.sandbox.run(skill.code, {
      tools,
      memory: memoryOf(parts, skill),
      entry: { name: SKILL_EXPORTS.run, args: [item, run.params] },
      limits: { timeoutMs: parts.settings.itemTimeoutMs },
      filename: `${skill.name}.ts`,
      shapes: false,
    });
    parts.metrics?.itemSeconds.observe({ skill: skill.name }, (performance.now() - started) / 1000);
    if (result.ok) return end.item(runId, key, "done", undefined, skill);
    const error = result.error ?? { code: "SANDBOX_RUNTIME", message: "failed" };
    const waitMs = tools.rateLimitedMs;
    if (waitMs !== undefined) {
      // A 429 is no failure: pause this queue for the time the server asked, and try the item again,
      // with twice the wait budget each time, so an item that needs more calls than the app admits in
      // one budget still gets through instead of going round for ever.
      parts.log.info({ run: runId, item: key, skill: skill.name, waitMs }, "item handed back after 429s; items paused");
      await job.updateData({ ...job.data, handBacks: (job.data.handBacks ?? 0) + 1 });
      await worker.rateLimit(Math.max(waitMs, 50));
      throw Worker.RateLimitError();
    }
    if (error.code === "SCHEMA_DRIFT" || tools.drift !== undefined) {
      const drifts = await parts.progress.incrementDrift(runId);
      await end.item(runId, key, "failed", `${error.code}: ${error.message}`);
      if (drifts >= parts.settings.driftThreshold)
        await end.stop(
          runId,
          "stopped",
          `the tools' results no longer match the schemas locked at approval (${tools.drift ?? error.message}); fix or re-approve the skill`,
        );
      return;
    }
    const attempts = job.opts.attempts ?? 1;
    // A missing export or an unloaded tool fails the same way every time: counted as failed at once.
    if (error.retryable !== false && job.attemptsMade + 1 < attempts)
      throw new Error(`${error.code}: ${error.message}`);
    return end.item(runId, key, "failed", `${error.code}: ${error.message}`);
  }
}
