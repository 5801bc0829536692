import type { SkillRecord } from "../skills/store.ts";
import type { RuntimeParts } from "./parts.ts";
import type { Outcome } from "./progress.ts";

/**
 * How items and runs end: an item is counted once (a done item of a skill with memory also goes into
 * its memory), a run is stopped once, and the run's end is reported in whichever process counted its
 * last item or stopped it; until the report is recorded (`reportedAt`), any retry of the run's items
 * reports it again, so a report that failed is never lost and its summary is still one message.
 */
export class RunEnd {
  constructor(private readonly parts: RuntimeParts) {}

  /** Counts the item and reports; the run ends here when this was its last. */
  async item(runId: string, key: string, outcome: Outcome, error?: string, skill?: SkillRecord): Promise<void> {
    const { parts } = this;
    const memoryKey = outcome === "done" && skill?.memory === true ? parts.keys.memory(skill.name) : undefined;
    const result = await parts.progress.finishItem(runId, key, outcome, { error, memoryKey });
    const info = parts.cache.knownInfo(runId);
    const fields = { run: runId, item: key, skill: info?.skill ?? skill?.name, outcome };
    if (outcome === "failed") parts.log.warn({ ...fields, error }, "item failed");
    else parts.log.debug(fields, `item ${outcome}`);
    if (info !== undefined) parts.metrics?.items.inc({ skill: info.skill, outcome });
    if (result === "completed") await this.report(runId);
    else {
      parts.observer.changed(runId);
      // A retry of the item whose step ended the run, after its report failed (a throw, a killed worker).
      if (result === "counted-before") await this.reportIfMissed(runId);
    }
  }

  /** Ends the run before its items are done (bad params, a failed listing, schema drift). */
  async stop(runId: string, status: "stopped" | "failed", reason: string): Promise<void> {
    this.parts.cache.stopped(runId, status);
    await this.parts.progress.set(runId, { error: reason });
    if (await this.parts.progress.markFinished(runId, status)) await this.report(runId);
    else await this.reportIfMissed(runId);
  }

  /**
   * Reports a run that ended without its report recorded. The summary is a keyed post, so a second
   * report (two workers retrying at once) updates the one summary rather than posting another.
   */
  async reportIfMissed(runId: string): Promise<void> {
    if (await this.parts.progress.endedUnreported(runId)) await this.report(runId);
  }

  /** A run reached its end (exactly once, in whichever process saw it): counted and reported. */
  async report(runId: string): Promise<void> {
    const { parts } = this;
    // Whoever waits on the run (an MCP call) hears now, before the chat is told.
    await parts.redis.publish(parts.keys.endedChannel(), runId);
    const run = await parts.progress.snapshot(runId);
    if (run !== undefined) {
      parts.metrics?.runsFinished.inc({ skill: run.skill, status: run.status });
      const { status, done, failed, skipped, total } = run;
      parts.log.info(
        { run: runId, skill: run.skill, status, done, failed, skipped, total, error: run.error },
        "run finished",
      );
    }
    await parts.observer.finished(runId);
    // A schedule's firing: counted toward its health, and it pauses itself after too many failures.
    const paused = run === undefined ? undefined : await parts.scheduleHealth.record(run);
    if (paused !== undefined) {
      parts.log.warn({ schedule: paused.id, skill: paused.skill, reason: paused.paused?.reason }, "schedule paused");
      await parts.audit?.append({
        action: "schedule_pause",
        who: `schedule:${paused.id}`,
        skill: paused.skill,
        detail: `${paused.id}: ${paused.paused?.reason}`,
      });
      await parts.observer.paused?.(paused);
    }
    // Recorded only once the summary is out: a throw above leaves the run for a retry to report.
    await parts.progress.markReported(runId);
  }
}
