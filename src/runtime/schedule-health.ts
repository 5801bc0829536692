import type { Queue } from "bullmq";
import type { RedisClient } from "../redis/client.ts";
import { luaScript } from "../redis/script.ts";
import type { ThreadRef } from "../ui/surface.ts";
import type { RunJob } from "./jobs.ts";
import type { RunKeys } from "./keys.ts";
import type { RunSnapshot } from "./progress.ts";

const SCHEDULE_OUTCOME = luaScript(new URL("./schedule-outcome.lua", import.meta.url));

/** What a schedule is: what its firings run, when, for whom and where they report. */
export interface ScheduleInfo {
  id: string;
  skill: string;
  cron: string;
  tz: string;
  next: string | null;
  params: Record<string, unknown>;
  /** The version its firings run; undefined for schedules made before versions were pinned (the latest). */
  version?: number | undefined;
  requester?: string | undefined;
  thread?: ThreadRef | undefined;
  /** Set while the schedule is paused: no firing until someone resumes it. */
  paused?: PauseReason | undefined;
}

/** Why and when a schedule paused itself. */
export interface PauseReason {
  /** One line: "3 runs in a row failed" or "its tools' output drifted from the locked schemas". */
  reason: string;
  at: number;
  /** The firing that paused it. */
  runId: string;
  error: string;
  /** Failures in a row when it paused (1 for a drift at its first failure). */
  failures: number;
}

/** A schedule's last failure, for "Show the last error". */
export interface ScheduleFailure {
  runId: string;
  error: string;
  failures: number;
}

/**
 * Watches each schedule's firings: a firing that failed, stopped or had failed items counts toward
 * `threshold` failures in a row, after which (or after one schema drift) the schedule pauses itself: its
 * BullMQ scheduler is removed and what resuming needs is kept. Each firing is counted once (by run id),
 * so a run's end reported twice pauses nothing twice.
 */
export class ScheduleHealth {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RunKeys,
    private readonly runs: Queue<RunJob>,
    /** Failures in a row that pause a schedule; 0 never pauses on failures (drift still does). */
    private readonly threshold: number,
  ) {}

  /** Counts a firing's end; the schedule as paused when this firing paused it. */
  async record(run: RunSnapshot): Promise<ScheduleInfo | undefined> {
    const id = run.schedule;
    if (id === undefined) return undefined;
    const failed = run.status !== "completed" || run.failed > 0;
    const drift = run.drift > 0;
    const error = run.error ?? run.lastErrors[0] ?? "";
    const [failures, pause] = (await SCHEDULE_OUTCOME.run(
      this.redis,
      [this.keys.scheduleHealth(id)],
      [run.runId, failed ? 1 : 0, drift ? 1 : 0, error, this.threshold, Date.now()],
    )) as [number, number];
    if (pause !== 1) return undefined;
    const reason = drift
      ? "its tools' output drifted from the schemas locked at approval"
      : `${failures} runs in a row failed`;
    return this.pause(id, { reason, at: Date.now(), runId: run.runId, error, failures });
  }

  /** Removes the schedule's scheduler, keeping what resuming makes again; undefined when it is gone. */
  private async pause(id: string, why: PauseReason): Promise<ScheduleInfo | undefined> {
    const scheduler = await this.runs.getJobScheduler(id);
    if (scheduler === undefined) return undefined;
    const info: ScheduleInfo = { ...scheduleOf(scheduler), next: null, paused: why };
    // Kept before the scheduler goes, so a crash between the two loses no schedule.
    await this.savePaused(info);
    await this.runs.removeJobScheduler(id);
    return info;
  }

  async paused(): Promise<ScheduleInfo[]> {
    const all = await this.redis.hgetall(this.keys.pausedSchedules());
    return Object.values(all).map((raw) => JSON.parse(raw) as ScheduleInfo);
  }

  /** Keeps what a paused schedule resumes to (when it pauses, and when it moves to another version). */
  async savePaused(schedule: ScheduleInfo): Promise<void> {
    await this.redis.hset(this.keys.pausedSchedules(), schedule.id, JSON.stringify(schedule));
  }

  /** Forgets a paused schedule's record (it was resumed or removed). */
  async unpause(id: string): Promise<void> {
    await this.redis.hdel(this.keys.pausedSchedules(), id);
    await this.redis.hset(this.keys.scheduleHealth(id), "failures", 0);
  }

  /** The schedule's last failure, when one is known. */
  async lastFailure(id: string): Promise<ScheduleFailure | undefined> {
    const [runId, error, failures] = await this.redis.hmget(
      this.keys.scheduleHealth(id),
      "lastFailedRun",
      "lastError",
      "failures",
    );
    if (runId === null || runId === undefined) return undefined;
    return { runId, error: error ?? "", failures: Number(failures ?? 0) };
  }

  /** Forgets everything about a removed schedule. */
  async forget(id: string): Promise<void> {
    await this.redis.hdel(this.keys.pausedSchedules(), id);
    await this.redis.del(this.keys.scheduleHealth(id));
  }
}

/** A BullMQ job scheduler as a schedule. */
export function scheduleOf(scheduler: {
  key: string;
  pattern?: string | null | undefined;
  every?: number | null | undefined;
  tz?: string | null | undefined;
  next?: number | null | undefined;
  template?: { data?: Partial<RunJob> | undefined } | undefined;
}): ScheduleInfo {
  const data = scheduler.template?.data;
  return {
    id: scheduler.key,
    skill: data?.skill ?? "?",
    cron: scheduler.pattern ?? `every ${scheduler.every} ms`,
    tz: scheduler.tz ?? "UTC",
    next: scheduler.next ? new Date(scheduler.next).toISOString() : null,
    params: data?.params ?? {},
    version: data?.version,
    requester: data?.requester,
    thread: data?.thread,
  };
}
