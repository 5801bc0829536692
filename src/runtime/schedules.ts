import { CronExpressionParser } from "cron-parser";
import { userError } from "../errors.ts";
import { digestId } from "../ids.ts";
import { type ThreadRef, threadKey } from "../ui/surface.ts";
import type { SkillRuntime } from "./runtime.ts";

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
}

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
    await this.runtime.runs.upsertJobScheduler(
      id,
      { pattern: request.cron, tz },
      {
        name: "run",
        data: {
          skill: request.skill,
          version: skill.version,
          params,
          requester: request.requester,
          thread: request.thread,
        },
        opts: this.runtime.scheduledRunJob,
      },
    );
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

  async list(): Promise<ScheduleInfo[]> {
    const schedulers = await this.runtime.runs.getJobSchedulers(0, -1, true);
    return schedulers.map((scheduler) => ({
      id: scheduler.key,
      skill: scheduler.template?.data?.skill ?? "?",
      cron: scheduler.pattern ?? `every ${scheduler.every} ms`,
      tz: scheduler.tz ?? "UTC",
      next: scheduler.next ? new Date(scheduler.next).toISOString() : null,
      params: scheduler.template?.data?.params ?? {},
      version: scheduler.template?.data?.version,
      requester: scheduler.template?.data?.requester,
      thread: scheduler.template?.data?.thread,
    }));
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
      await this.runtime.runs.upsertJobScheduler(
        schedule.id,
        { pattern: schedule.cron, tz: schedule.tz },
        {
          name: "run",
          data: {
            skill,
            version,
            params: schedule.params,
            requester: schedule.requester ?? by,
            thread: schedule.thread,
          },
          opts: this.runtime.scheduledRunJob,
        },
      );
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

  /** Removes a schedule; `by` (a user key) is recorded in the audit log. */
  async remove(id: string, by: string): Promise<void> {
    const schedule = await this.get(id);
    if (schedule === undefined || !(await this.runtime.runs.removeJobScheduler(id))) {
      throw userError("SCHEDULE_UNKNOWN", `there is no schedule "${id}"; see /codemem schedules`);
    }
    await this.runtime.audit?.append({ action: "unschedule", who: by, skill: schedule.skill, detail: id });
  }
}
