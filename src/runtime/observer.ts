import type { RunSnapshot } from "./progress.ts";
import type { ScheduleInfo } from "./schedule-health.ts";

/**
 * What the runtime tells whoever shows runs to people; it knows nothing of chat itself. The app passes
 * src/core/run-reporter.ts, which keeps each run's progress message and posts its summary.
 */
export interface RunObserver {
  /** A run was queued, or a scheduled one started listing: may come twice for one run (a retry). */
  started(run: RunSnapshot): Promise<void>;
  /** A run's counters changed: called per item, so it returns at once. */
  changed(runId: string): void;
  /**
   * A run ended, in whichever process ended it: once, or again when it threw (a retry reports what the
   * throw left unreported), so what it posts must be keyed by run.
   */
  finished(runId: string): Promise<void>;
  /** A schedule paused itself (too many failed firings in a row, or a drift): once per pause. */
  paused?(schedule: ScheduleInfo): Promise<void>;
  /** The process is stopping: pending work is dropped (another process, or the end of the run, catches up). */
  close(): void;
}

/** Tells nobody (a runtime whose runs nobody watches: tests, benches). */
export const UNOBSERVED: RunObserver = {
  started: async () => {},
  changed: () => {},
  finished: async () => {},
  close: () => {},
};
