import { CronExpressionParser } from "cron-parser";
import { userError } from "../errors.ts";
import { digestId } from "../ids.ts";
import { type ThreadRef, threadKey } from "../ui/surface.ts";
import type { SkillRuntime } from "./runtime.ts";
import { type ScheduleInfo, scheduleOf } from "./schedule-health.ts";

export type { ScheduleInfo } from "./schedule-health.ts";

/** Checks a cron expression and time zone; one user error with the fix when either is wrong. */
export function checkCron(cron: string, tz: string): Date {
  if (!isTimeZone(tz))
    throw userError(
      "SCHEDULE_BAD_TZ",
      `unknown time zone "${tz}": use an IANA name such as UTC, Europe/Paris or America/New_York`,
    );
  try {
    return CronExpressionParser.parse(cron, { tz }).next().toDate();
  } catch (error) {
    throw userError(
      "SCHEDULE_BAD_CRON",
      `bad cron "${cron}": ${(error as Error).message}. Five fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * 1-5" (8:00 on weekdays)`,
    );
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Schedules are BullMQ job schedulers on the runs queue: each firing enqueues a run of the version the
 * schedule was made with (a new version or a rollback moves no schedule by itself) with the saved
 * params, no model call. They live in Redis, so they survive restarts.
 */
export class Schedules {
  constructor(private readonly runtime: SkillRuntime) {}

  async create(request: {
    skill: string;
    /** The version to pin; default: the one that runs now. */
    version?: number | undefined;
    cron: string;
    tz?: string | undefined;
    params: Record<string, unknown>;
    requester: string;
    thread?: ThreadRef | undefined;
  }): Promise<ScheduleInfo> {
    const tz = request.tz ?? "UTC";
    const next = checkCron(request.cron, tz);
    // Validates the skill and the params now, not at 3 a.m.
    const { params, skill } = await this.runtime.checkRun(request.skill, request.params, request.version);
    // The same schedule made twice is one: it keeps the id it has (whichever release made it), else its digest.
    const same = (await this.list()).find(
      (schedule) =>
        schedule.skill === request.skill &&
        schedule.cron === request.cron &&
        schedule.tz === tz &&
        JSON.stringify(schedule.params) === JSON.stringify(params),
    );
    const id = same?.id ?? `sch-${request.skill}-${digestId(request.cron, tz, JSON.stringify(params))}`;
    // Made again, a paused schedule runs again.
    if (same?.paused !== undefined) await this.runtime.scheduleHealth.unpause(id);
    await this.upsert({
      id,
      cron: request.cron,
      tz,
      skill: request.skill,
      version: skill.version,
      params,
      requester: request.requester,
      thread: request.thread,
    });
    await this.runtime.audit?.append({
      action: "schedule",
      who: request.requester,
      skill: request.skill,
      thread: request.thread === undefined ? undefined : threadKey(request.thread),
      version: skill.version,
      detail: `${id} "${request.cron}" ${tz}`,
    });
    return {
      id,
      skill: request.skill,
      cron: request.cron,
      tz,
      next: next.toISOString(),
      params,
      version: skill.version,
    };
  }

  /** The schedule's BullMQ scheduler, made or changed: its firings run `version` with `params`. */
  private async upsert(schedule: Omit<ScheduleInfo, "next" | "paused"> & { requester: string }): Promise<void> {
    await this.runtime.runs.upsertJobScheduler(
      schedule.id,
      { pattern: schedule.cron, tz: schedule.tz },
      {
        name: "run",
        data: {
          skill: schedule.skill,
          version: schedule.version,
          params: schedule.params,
          requester: schedule.requester,
          thread: schedule.thread,
        },
        opts: this.runtime.scheduledRunJob,
      },
    );
  }

  /** Every schedule, the paused ones too (marked `paused`). */
  async list(): Promise<ScheduleInfo[]> {
    const schedulers = await this.runtime.runs.getJobSchedulers(0, -1, true);
    const running = schedulers.map(scheduleOf);
    const known = new Set(running.map((schedule) => schedule.id));
    const paused = (await this.runtime.scheduleHealth.paused()).filter((schedule) => !known.has(schedule.id));
    return [...running, ...paused].sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Resumes a paused schedule (owners and approvers decide that; the caller checked): its scheduler is
   * made again as it was, its failures in a row start from zero. `by` is recorded in the audit log.
   */
  async resume(id: string, by: string): Promise<ScheduleInfo> {
    const schedule = await this.get(id);
    if (schedule === undefined)
      throw userError("SCHEDULE_UNKNOWN", `there is no schedule "${id}"; see /codemem schedules`);
    if (schedule.paused === undefined)
      throw userError("SCHEDULE_NOT_PAUSED", `schedule ${id} is not paused; it runs next at ${schedule.next ?? "?"}`);
    await this.upsert({ ...schedule, requester: schedule.requester ?? by });
    await this.runtime.scheduleHealth.unpause(id);
    await this.runtime.audit?.append({ action: "schedule_resume", who: by, skill: schedule.skill, detail: id });
    return (await this.get(id)) ?? { ...schedule, paused: undefined };
  }

  /** The schedules of a skill whose firings run a version other than `version` (or the latest, unpinned). */
  async onOtherVersions(skill: string, version: number): Promise<ScheduleInfo[]> {
    return (await this.list()).filter((schedule) => schedule.skill === skill && schedule.version !== version);
  }

  /**
   * Moves every schedule of a skill that runs another version to `version` (same cadence, values and
   * thread; its id stays); `by` is recorded in the audit log. Returns the schedules moved.
   */
  async move(skill: string, version: number, by: string): Promise<ScheduleInfo[]> {
    const moved: ScheduleInfo[] = [];
    for (const schedule of await this.onOtherVersions(skill, version)) {
      const moving = { ...schedule, version, requester: schedule.requester ?? by };
      // A paused schedule moves and stays paused: only its record changes.
      if (schedule.paused === undefined) await this.upsert(moving);
      else await this.runtime.scheduleHealth.savePaused(moving);
      await this.runtime.audit?.append({
        action: "schedule_move",
        who: by,
        skill,
        version,
        detail: `${schedule.id} from ${schedule.version === undefined ? "latest" : `v${schedule.version}`}`,
      });
      moved.push({ ...schedule, version });
    }
    return moved;
  }

  async get(id: string): Promise<ScheduleInfo | undefined> {
    return (await this.list()).find((schedule) => schedule.id === id);
  }

  /** Removes a schedule, paused or not; `by` (a user key) is recorded in the audit log. */
  async remove(id: string, by: string): Promise<void> {
    const schedule = await this.get(id);
    const removed =
      schedule !== undefined && (schedule.paused !== undefined || (await this.runtime.runs.removeJobScheduler(id)));
    if (schedule === undefined || !removed) {
      throw userError("SCHEDULE_UNKNOWN", `there is no schedule "${id}"; see /codemem schedules`);
    }
    await this.runtime.scheduleHealth.forget(id);
    await this.runtime.audit?.append({ action: "unschedule", who: by, skill: schedule.skill, detail: id });
  }
}
