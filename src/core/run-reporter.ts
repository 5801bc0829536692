import type { Logger } from "../ops/logger.ts";
import type { RedisClient } from "../redis/client.ts";
import type { RunObserver } from "../runtime/observer.ts";
import { RunProgress, type RunSnapshot } from "../runtime/progress.ts";
import type { ScheduleInfo } from "../runtime/schedule-health.ts";
import type { ChatSurface } from "../ui/surface.ts";
import { parseUserKey, type User } from "../ui/user.ts";
import { pausedMessage, progressMessage, summaryMessage } from "./run-messages.ts";

export interface RunReporterOptions {
  /** Where the runs' counters are (the runtime's Redis). */
  redis: RedisClient;
  /** The app's key prefix. */
  prefix: string;
  /** Where progress goes: the outbox. */
  surface: ChatSurface;
  /** A skill's owners (user keys), told in the thread when one of its schedules pauses. Default: nobody named. */
  owners?: ((skill: string) => Promise<readonly string[]>) | undefined;
  /** Least time between two refreshes of one run's message from this process. Default: 1,000 ms. */
  intervalMs?: number | undefined;
  log?: Logger | undefined;
}

/**
 * Shows runs started from a thread in that thread: posts the progress message once, keeps it current
 * without touching an item's hot path (finishing an item only marks its run as changed; at most once
 * per interval this process reads the run's counters and updates the message, latest state wins), and
 * posts the summary when the run ends. The final report cancels any pending refresh.
 */
export class RunReporter implements RunObserver {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly intervalMs: number;
  private readonly progress: RunProgress;

  constructor(private readonly options: RunReporterOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.progress = new RunProgress(options.redis, options.prefix);
  }

  /** Posts the run's progress message once (keyed by run: a retried run job shows one, not two). */
  async started(run: RunSnapshot): Promise<void> {
    if (run.thread === undefined || run.messageRef !== undefined) return;
    const ref = await this.options.surface.post(run.thread, progressMessage(run), {
      key: `run:${run.runId}:progress`,
    });
    await this.progress.set(run.runId, { messageRef: JSON.stringify(ref) });
  }

  /** The run's counters changed; its message is refreshed within the interval. */
  changed(runId: string): void {
    if (this.pending.has(runId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(runId);
      void this.refresh(runId).catch((error: unknown) =>
        this.options.log?.warn({ run: runId, err: (error as Error).message }, "showing a run's progress failed"),
      );
    }, this.intervalMs);
    this.pending.set(runId, timer);
  }

  /** The run ended: its message shows the final counters and a summary goes to the thread. */
  async finished(runId: string): Promise<void> {
    clearTimeout(this.pending.get(runId));
    this.pending.delete(runId);
    const run = await this.refresh(runId);
    if (run?.thread !== undefined) {
      const items = await this.progress.outcomes(runId);
      await this.options.surface.post(run.thread, summaryMessage(run, items), { key: `run:${runId}:summary` });
    }
  }

  /** A schedule paused itself: its thread hears it, its owners named, with Resume and Show the last error. */
  async paused(schedule: ScheduleInfo): Promise<void> {
    if (schedule.thread === undefined) return;
    const keys = (await this.options.owners?.(schedule.skill)) ?? [];
    const owners = keys.map(parseUserKey).filter((owner): owner is User => owner !== undefined);
    await this.options.surface.post(schedule.thread, pausedMessage(schedule, owners), {
      key: `schedule:${schedule.id}:paused:${schedule.paused?.runId ?? ""}`,
    });
  }

  /** Drops pending refreshes (the process is stopping; another process or the final report catches up). */
  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async refresh(runId: string): Promise<RunSnapshot | undefined> {
    const run = await this.progress.snapshot(runId);
    if (run === undefined || run.thread === undefined) return undefined;
    if (run.messageRef !== undefined) await this.options.surface.update(run.messageRef, progressMessage(run));
    return run;
  }
}
