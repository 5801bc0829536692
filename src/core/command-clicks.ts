import { asCodedError } from "../errors.ts";
import { digestId } from "../ids.ts";
import type { AuditLog } from "../ops/audit.ts";
import type { RedisClient } from "../redis/client.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import { type ScheduleInfo, Schedules } from "../runtime/schedules.ts";
import type { SkillStore } from "../skills/store.ts";
import { code, type CommandValue, rich, text, type UiBlock, type UiMessage } from "../ui/message.ts";
import type { ChatSurface } from "../ui/surface.ts";
import { type User, userKey } from "../ui/user.ts";
import { capitalize } from "./command-handler.ts";
import { BotKeys } from "./keys.ts";
import type { Policy } from "./policy.ts";
import { RunHistory } from "./run-history.ts";

/** A second click of one button by one person within this long is the same click. */
const SAME_CLICK_MS = 10_000;

export interface CommandClicksOptions {
  runtime?: SkillRuntime | undefined;
  skills: SkillStore;
  policy: Policy;
  surface: ChatSurface;
  /** Remembers a click for SAME_CLICK_MS, so a double click starts one run. Default: every click counts. */
  redis?: Pick<RedisClient, "set"> | undefined;
  audit?: AuditLog | undefined;
  prefix: string;
}

/** What a command button did: a notice for the clicker; `refused` when the policy said no. */
export interface CommandClick {
  kind: "done" | "refused" | "stale";
  notice: UiMessage;
}

/**
 * The buttons that act on what is kept rather than on a session: "Run again with these values" under a
 * run, "Resume" and "Show the last error" under a paused schedule. Each checks who clicks (the same
 * people the commands allow) and answers the clicker; what everyone should see goes to the thread.
 */
export class CommandClicks {
  private readonly keys: BotKeys;

  constructor(private readonly options: CommandClicksOptions) {
    this.keys = new BotKeys(options.prefix);
  }

  async click(user: User, value: CommandValue): Promise<CommandClick> {
    const runtime = this.options.runtime;
    if (runtime === undefined) return { kind: "stale", notice: text("Runs are not enabled in this process.") };
    try {
      switch (value.command) {
        case "rerun":
          return await this.rerun(runtime, user, value.target);
        case "resume":
          return await this.resume(runtime, user, value.target);
        case "last-error":
          return await this.lastError(runtime, user, value.target);
      }
    } catch (error) {
      const coded = asCodedError(error);
      const line = coded.family === "user" ? capitalize(coded.message) : `That failed on my side (${coded.code}).`;
      return { kind: "stale", notice: text(line) };
    }
  }

  /** The same skill with the run's values, as the clicker: its current version, progress in the run's thread. */
  private async rerun(runtime: SkillRuntime, user: User, runId: string): Promise<CommandClick> {
    const run = await runtime.status(runId);
    if (run === undefined) return { kind: "stale", notice: text(`Run ${runId} is no longer kept.`) };
    const history = new RunHistory(runtime, this.options.skills, this.options.policy);
    if (!(await history.insider(run, user)))
      return {
        kind: "refused",
        notice: text(
          "Only the run's requester, the skill's owners and the approvers can run it again with its values.",
        ),
      };
    if (!(await this.firstClick(`rerun-${runId}`, user)))
      return { kind: "stale", notice: text("You started that one a moment ago; its progress is on its way.") };
    const started = await runtime.enqueueRun({
      skill: run.skill,
      params: run.params,
      requester: userKey(user),
      thread: run.thread,
    });
    const version =
      started.skill.version === run.version
        ? ""
        : ` (that run was v${run.version}; v${started.skill.version} runs now)`;
    return {
      kind: "done",
      notice: {
        blocks: [
          rich(
            "Started ",
            code(started.skill.name),
            ` v${started.skill.version} as run `,
            code(started.runId),
            ` with the values of ${runId}${version}.`,
            run.thread === undefined ? " /codemem status shows it." : " Progress follows in its thread.",
          ),
        ],
      },
    };
  }

  private async resume(runtime: SkillRuntime, user: User, id: string): Promise<CommandClick> {
    const schedules = new Schedules(runtime);
    const schedule = await schedules.get(id);
    if (schedule === undefined) return { kind: "stale", notice: text(`There is no schedule ${id} any more.`) };
    if (schedule.paused === undefined)
      return { kind: "stale", notice: text(`Schedule ${id} is running already; next run ${schedule.next ?? "?"}.`) };
    const refused = await this.mayChange(schedule, user, "resume");
    if (refused !== undefined) return refused;
    const resumed = await schedules.resume(id, userKey(user));
    const line = rich(
      "Resumed schedule ",
      code(id),
      ` (${resumed.skill} "${resumed.cron}" ${resumed.tz}) by `,
      user,
      `; next run ${resumed.next ?? "?"}.`,
    );
    if (schedule.thread !== undefined) await this.options.surface.post(schedule.thread, { blocks: [line] });
    return { kind: "done", notice: { blocks: [line] } };
  }

  /** The failure that paused the schedule (or its latest): for its owners, its requester and the approvers. */
  private async lastError(runtime: SkillRuntime, user: User, id: string): Promise<CommandClick> {
    const schedule = await new Schedules(runtime).get(id);
    if (schedule === undefined) return { kind: "stale", notice: text(`There is no schedule ${id} any more.`) };
    if (schedule.requester !== userKey(user)) {
      const refused = await this.mayChange(schedule, user, "read the errors of");
      if (refused !== undefined) return refused;
    }
    const failure = await runtime.scheduleHealth.lastFailure(id);
    if (failure === undefined) return { kind: "done", notice: text(`Schedule ${id} has not failed.`) };
    const run = await runtime.status(failure.runId);
    const blocks: UiBlock[] = [
      rich("Last failure of ", code(id), ": run ", code(failure.runId), ` (${failure.failures} in a row).`),
      { type: "code", language: "text", title: "Error", source: failure.error || "(no message)" },
    ];
    const more = (run?.lastErrors ?? []).filter((line) => line !== failure.error);
    if (more.length > 0)
      blocks.push({ type: "code", language: "text", title: "Its last item errors", source: more.join("\n") });
    return { kind: "done", notice: { blocks } };
  }

  private async mayChange(schedule: ScheduleInfo, user: User, what: string): Promise<CommandClick | undefined> {
    const owners = await this.options.skills.owners(schedule.skill);
    const decision = await this.options.policy.mayChange({ name: schedule.skill, owners }, user, what);
    if (decision.allowed) return undefined;
    await this.options.audit?.append({ action: "click_refused", who: userKey(user), detail: `${what} ${schedule.id}` });
    return { kind: "refused", notice: { blocks: [decision.refusal] } };
  }

  /** True for the first click of this button by this person within SAME_CLICK_MS. */
  private async firstClick(button: string, user: User): Promise<boolean> {
    const redis = this.options.redis;
    if (redis === undefined) return true;
    const key = this.keys.event(`click-${digestId(button, userKey(user))}`);
    return (await redis.set(key, "1", "PX", SAME_CLICK_MS, "NX")) === "OK";
  }
}
