import { digestId } from "../ids.ts";

/** How long a journal outlives its run: long enough for any retry or stalled-job recovery. */
export const JOURNAL_TTL_SECONDS = 7 * 86_400;

/**
 * The runtime's Redis keys, under the app's prefix. A run's hash and its sets are kept (they are its
 * record; /codemem status reads them); journals expire; rate-limit buckets live while used (BUCKET_TTL_MS
 * in src/redis/token-bucket.ts). BullMQ's own keys live under `<prefix>:runs:…` and `<prefix>:items:…`.
 */
export class RunKeys {
  constructor(readonly prefix: string) {}

  /** A run's hash: skill, version, params, requester, thread, status, counters, times. Kept. */
  run(runId: string): string {
    return `${this.prefix}:run:${runId}`;
  }
  /** The item keys of a run counted so far (each once, whatever retried it). Kept with the run. */
  finished(runId: string): string {
    return `${this.run(runId)}:finished`;
  }
  /** A run's last ten item errors, newest first. Kept with the run. */
  errors(runId: string): string {
    return `${this.run(runId)}:errors`;
  }
  /** A run's first outcomes ("done <key>", at most 50), for its outcome over MCP and its history. Kept with the run. */
  items(runId: string): string {
    return `${this.run(runId)}:items`;
  }
  /** Every run id by its start time (a sorted set): the latest runs for /codemem status. Kept. */
  runs(): string {
    return `${this.prefix}:runs`;
  }
  /** A pub/sub channel: the id of each run whose end was just reached (who waits on a run hears it at once). */
  endedChannel(): string {
    return `${this.prefix}:runs:ended`;
  }
  /** A skill's dedup memory: the item keys it has done, so re-runs skip them. Kept. */
  memory(skill: string): string {
    return `${this.prefix}:memory:${skill}`;
  }
  /** One item's journal of writes by call number (a hash). Lives JOURNAL_TTL_SECONDS. */
  journal(runId: string, itemKey: string): string {
    return `${this.prefix}:journal:${runId}:${digestId(itemKey)}`;
  }
  /** A schedule's health: its last run counted, failures in a row, the last error. Removed with it. */
  scheduleHealth(scheduleId: string): string {
    return `${this.prefix}:schedule:${scheduleId}:health`;
  }
  /** Paused schedules by id (a hash of what resuming one makes again). Kept until resumed or removed. */
  pausedSchedules(): string {
    return `${this.prefix}:schedules:paused`;
  }
  /** An app's token bucket and 429 pause, shared by every worker process. */
  rateLimit(app: string): string {
    return `${this.prefix}:ratelimit:${app}`;
  }
}
