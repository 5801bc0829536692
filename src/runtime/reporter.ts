import type { Logger } from "../ops/logger.ts";
import type { ChatSurface } from "../ui/surface.ts";
import { progressMessage, summaryMessage, type RunProgress, type RunSnapshot } from "./progress.ts";

export interface ProgressReporterOptions {
  progress: RunProgress;
  /** Where progress goes; without one the reporter does nothing. */
  surface?: ChatSurface | undefined;
  /** Least time between two refreshes of one run's message from this process. Default: 1,000 ms. */
  intervalMs?: number | undefined;
  log?: Logger | undefined;
}

/**
 * Keeps each run's progress message current without touching an item's hot path: finishing an item only
 * marks its run as changed; at most once per interval this process reads the run's counters and
 * updates the message (latest state wins). The final report cancels any pending refresh.
 */
export class ProgressReporter {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly intervalMs: number;

  constructor(private readonly options: ProgressReporterOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
  }

  /** The run's counters changed; its message is refreshed within the interval. */
  changed(runId: string): void {
    if (this.options.surface === undefined || this.pending.has(runId)) return;
    const timer = setTimeout(() => {
      this.pending.delete(runId);
      void this.refresh(runId).catch((error: unknown) =>
        this.options.log?.warn({ run: runId, err: (error as Error).message }, "showing a run's progress failed"),
      );
    }, this.intervalMs);
    this.pending.set(runId, timer);
  }

  /** The run ended: its message shows the final counters and a summary goes to the thread. */
  async final(runId: string): Promise<void> {
    clearTimeout(this.pending.get(runId));
    this.pending.delete(runId);
    const run = await this.refresh(runId);
    if (run?.thread !== undefined) {
      await this.options.surface?.post(run.thread, summaryMessage(run), { key: `run:${runId}:summary` });
    }
  }

  /** Drops pending refreshes (the process is stopping; another process or the final report catches up). */
  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async refresh(runId: string): Promise<RunSnapshot | undefined> {
    const surface = this.options.surface;
    if (surface === undefined) return undefined;
    const run = await this.options.progress.snapshot(runId);
    if (run === undefined || run.thread === undefined) return undefined;
    if (run.messageRef !== undefined) {
      await surface.update(run.messageRef, progressMessage(run));
    }
    return run;
  }
}
