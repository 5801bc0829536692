import type { TurnInput } from "../agent/agent.ts";
import { sessionIdFor, type SessionStore } from "../agent/session.ts";
import { asCodedError, userError } from "../errors.ts";
import { unreadableReason } from "../stored.ts";
import type { AuditLog } from "../ops/audit.ts";
import { atMinute, pausedButtons, progressBlock, progressMessage, summaryMessage } from "./run-messages.ts";
import type { RunSnapshot } from "../runtime/progress.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import { type ScheduleInfo, Schedules } from "../runtime/schedules.ts";
import { lineDiff } from "../skills/diff.ts";
import { RunHistory } from "./run-history.ts";
import type { SkillStore } from "../skills/store.ts";
import { code, rich, text, type Span, type UiBlock, type UiMessage } from "../ui/message.ts";
import { type ChatSurface, type ThreadRef, threadKey } from "../ui/surface.ts";
import { mentionedUser, parseUserKey, userKey, type User } from "../ui/user.ts";
import { COMMAND_HELP, parseCommand } from "./commands.ts";
import type { Policy, SkillOwners } from "./policy.ts";

export interface CommandsOptions {
  skills: SkillStore;
  policy: Policy;
  /** The outbox: it keeps the texts the fitter cut (/codemem show). */
  surface: ChatSurface;
  runtime?: SkillRuntime | undefined;
  audit?: AuditLog | undefined;
  /** The sessions invite and handover change. */
  sessions: SessionStore;
  /** Queues a turn of a thread's session (the Bot's agent queue): invite and handover are applied under its lock. */
  enqueueTurn(thread: ThreadRef, input: TurnInput): Promise<void>;
}

/** A command's answer; `private` when only the caller needs it (help, status, errors, refusals). */
export interface CommandReply {
  message: UiMessage;
  private: boolean;
}

const mine = (message: UiMessage): CommandReply => ({ message, private: true });
const everyone = (message: UiMessage): CommandReply => ({ message, private: false });

/** `/codemem …` answered with no model call; the policy decides who may change schedules and versions. */
export class Commands {
  constructor(private readonly options: CommandsOptions) {}

  async answer(event: { user: User; text: string; thread: ThreadRef }): Promise<CommandReply> {
    try {
      return await this.run(event);
    } catch (error) {
      const coded = asCodedError(error);
      return mine(
        text(
          coded.family === "user"
            ? capitalize(coded.message)
            : `That failed on my side (${coded.code}: ${coded.message}).`,
        ),
      );
    }
  }

  private async run(event: { user: User; text: string; thread: ThreadRef }): Promise<CommandReply> {
    const { skills, policy } = this.options;
    const command = parseCommand(event.text);
    switch (command.name) {
      case "help":
        return mine({ blocks: [{ type: "code", language: "text", source: COMMAND_HELP, title: "codemem commands" }] });
      case "skills": {
        const blocks = await this.skillLines();
        if (blocks.length === 0) return mine(text("No skills yet. Mention me with a task to make one."));
        return mine({ blocks });
      }
      case "show":
        return mine(await this.show(command.id, command.part));
      case "audit":
        return mine(await this.auditLines(event.user, command.skill));
      case "diff": {
        const from = await skills.version(command.skill, command.from);
        const to = await skills.version(command.skill, command.to);
        if (from === undefined || to === undefined)
          throw userError(
            "SKILL_VERSION_UNKNOWN",
            `${command.skill} has no version ${from === undefined ? command.from : command.to}; see /codemem skills`,
          );
        return mine({
          blocks: [
            {
              type: "code",
              language: "diff",
              source: lineDiff(from.code, to.code),
              title: `${command.skill} v${command.from} → v${command.to}`,
            },
          ],
        });
      }
      case "invite":
      case "handover":
        return this.people(event, command.name, command.person);
      case "rollback": {
        const before = await skills.require(command.skill);
        const refused = this.refusal(await policy.mayChange(await this.owned(command.skill), event.user, "roll back"));
        if (refused) return refused;
        const target = await skills.rollback(command.skill, command.version);
        await this.options.audit?.append({
          action: "rollback",
          who: userKey(event.user),
          skill: command.skill,
          version: target.version,
          thread: threadKey(event.thread),
          detail: `from v${before.version}`,
        });
        return everyone({
          blocks: [
            rich(code(command.skill), ` now runs v${target.version} (was v${before.version}), by `, event.user, "."),
            ...(await this.pinnedElsewhere(command.skill, target.version)),
            {
              type: "code",
              language: "diff",
              source: lineDiff(before.code, target.code),
              title: `v${before.version} → v${target.version}`,
              collapsed: true,
            },
          ],
        });
      }
      default:
        break;
    }
    const runtime = this.options.runtime;
    if (runtime === undefined) return mine(text("Runs are not enabled in this process."));
    switch (command.name) {
      case "run": {
        // Anyone may run: the progress message is the public record; the caller gets the run id.
        const { runId, skill } = await runtime.enqueueRun({
          skill: command.skill,
          params: command.params,
          requester: userKey(event.user),
          thread: event.thread,
        });
        return mine({
          blocks: [
            rich(
              "Started ",
              code(skill.name),
              ` v${skill.version} as run `,
              code(runId),
              "; progress follows in this thread.",
            ),
          ],
        });
      }
      case "runs":
        return mine(await this.runs(event.user, command.skill));
      case "status": {
        const ids = command.runId !== undefined ? [command.runId] : await runtime.progress.recent(5);
        if (ids.length === 0) return mine(text("No runs yet. Start one with /codemem run <skill>."));
        const blocks: UiBlock[] = [];
        for (const id of ids) {
          const run = await runtime.status(id);
          if (run === undefined)
            throw userError("RUN_UNKNOWN", `there is no run "${id}"; /codemem status lists the latest`);
          blocks.push(...(await this.runLines(runtime, run, event.user)));
        }
        return mine({ blocks });
      }
      case "schedule": {
        const skill = await skills.require(command.skill);
        const refused = this.refusal(await policy.mayChange(await this.owned(command.skill), event.user, "schedule"));
        if (refused) return refused;
        const made = await new Schedules(runtime).create({
          skill: command.skill,
          version: skill.version,
          cron: command.cron,
          tz: command.tz,
          params: command.params,
          requester: userKey(event.user),
          thread: event.thread,
        });
        return everyone({
          blocks: [
            rich(
              `Scheduled ${made.skill} "${made.cron}" (${made.tz}) as `,
              code(made.id),
              `; next run ${made.next}. Results post in this thread.`,
            ),
          ],
        });
      }
      case "schedules": {
        const list = await new Schedules(runtime).list();
        if (list.length === 0)
          return mine(text('No schedules. Make one with /codemem schedule <skill> "<cron>" [tz] [json].'));
        return mine({ blocks: list.flatMap(scheduleBlocks) });
      }
      case "unschedule": {
        const schedules = new Schedules(runtime);
        const found = await schedules.get(command.id);
        // A schedule whose skill is gone has no owners left: only an approver removes it.
        if (found !== undefined) {
          const refused = this.refusal(await policy.mayChange(await this.owned(found.skill), event.user, "unschedule"));
          if (refused) return refused;
        }
        await schedules.remove(command.id, userKey(event.user));
        return everyone({ blocks: [rich("Removed schedule ", code(command.id), " (by ", event.user, ").")] });
      }
    }
  }

  /**
   * Invite someone into the thread's session, or hand it over to them: for its requester and the
   * approvers, applied by the session's worker under the thread's lock (it checks again there).
   */
  private async people(
    event: { user: User; thread: ThreadRef },
    change: "invite" | "handover",
    token: string,
  ): Promise<CommandReply> {
    const person = mentionedUser(token, event.thread.platform);
    if (person === undefined)
      throw userError("COMMAND_USAGE", `mention the person to ${change} (@name); "${token}" is not a mention`);
    let session: Awaited<ReturnType<SessionStore["load"]>>;
    try {
      session =
        event.thread.thread === undefined ? undefined : await this.options.sessions.load(sessionIdFor(event.thread));
    } catch (error) {
      throw userError("STATE_UNREADABLE", unreadableReason(error));
    }
    if (session === undefined)
      return mine(text(`There is no session in this thread: ${change} works in the thread of one.`));
    const requester = session.requester;
    if (!(await this.options.policy.mayAnswer({ requester }, event.user)).allowed)
      return mine({
        blocks: [
          rich(
            "Only ",
            requester,
            ` or an approver can ${change === "invite" ? "invite people to" : "hand over"} this session.`,
          ),
        ],
      });
    await this.options.enqueueTurn(event.thread, { kind: "people", change, person, user: event.user });
    return everyone({
      blocks: [
        change === "invite"
          ? rich(event.user, " invited ", person, ": their messages and clicks count in this session now.")
          : rich(event.user, " handed this session to ", person, "; ", requester, " stays invited."),
      ],
    });
  }

  /**
   * Everything at a glance (Slack's App Home, a Teams tab): the skills with their versions, the
   * schedules with their next run, the latest runs with their progress.
   */
  async overview(viewer: User): Promise<UiMessage> {
    const blocks: UiBlock[] = [{ type: "rich", spans: [{ text: "Skills", style: "strong" }] }];
    const skillLines = await this.skillLines();
    blocks.push(
      ...(skillLines.length > 0
        ? skillLines
        : [text("No skills yet. Mention me with a task to make one.").blocks[0] as UiBlock]),
    );
    const runtime = this.options.runtime;
    if (runtime === undefined) return { blocks };
    const schedules = await new Schedules(runtime).list();
    blocks.push({ type: "rich", spans: [{ text: "Schedules", style: "strong" }] });
    if (schedules.length === 0) blocks.push({ type: "text", text: "None." });
    for (const schedule of schedules) blocks.push(...scheduleBlocks(schedule));
    blocks.push({ type: "rich", spans: [{ text: "Latest runs", style: "strong" }] });
    const runs = await this.history(runtime).blocks(viewer, undefined, 10);
    blocks.push(...(runs.length === 0 ? [{ type: "text", text: "None yet." } as const] : runs));
    return { blocks };
  }

  /** The latest runs (of one skill) as `viewer` may see them: `/codemem runs`, the console's Runs. */
  async runs(viewer: User, skill: string | undefined): Promise<UiMessage> {
    const runtime = this.options.runtime;
    if (runtime === undefined) return text("Runs are not enabled in this process.");
    if (skill !== undefined) await this.options.skills.require(skill);
    const blocks = await this.history(runtime).blocks(viewer, skill, 10);
    if (blocks.length === 0)
      return text(
        skill === undefined ? "No runs yet. Start one with /codemem run <skill>." : `No runs of ${skill} kept.`,
      );
    const title = skill === undefined ? "Latest runs" : `Latest runs of ${skill}`;
    return { blocks: [{ type: "rich", spans: [{ text: title, style: "strong" }] }, ...blocks] };
  }

  private history(runtime: SkillRuntime): RunHistory {
    return new RunHistory(runtime, this.options.skills, this.options.policy);
  }

  private async skillLines(): Promise<UiBlock[]> {
    const names = await this.options.skills.names();
    return Promise.all(
      names.map(async (name): Promise<UiBlock> => {
        const skill = await this.options.skills.require(name);
        return rich(code(name), ` v${skill.version} — ${skill.description} (approved by `, person(skill.approver), ")");
      }),
    );
  }

  /**
   * A run as `/codemem status` shows it: to its requester, the skill's owners and the approvers, its
   * values, outcome and last errors; to anyone else, what runs and how far it got (the counts only).
   */
  private async runLines(runtime: SkillRuntime, run: RunSnapshot, viewer: User): Promise<UiBlock[]> {
    if (!(await this.history(runtime).insider(run, viewer))) return progressMessage(run).blocks;
    const values: UiBlock = { type: "fields", fields: [{ label: "Values", value: JSON.stringify(run.params) }] };
    if (run.finishedAt === undefined) return [...progressMessage(run).blocks, values];
    return [...summaryMessage(run).blocks, progressBlock(run), values];
  }

  /** Schedules keep their version through a rollback: say which, and how to move one. */
  private async pinnedElsewhere(skill: string, version: number): Promise<UiBlock[]> {
    const runtime = this.options.runtime;
    if (runtime === undefined) return [];
    const pinned = await new Schedules(runtime).onOtherVersions(skill, version);
    if (pinned.length === 0) return [];
    return [
      rich(
        `${pinned.length} schedule${pinned.length === 1 ? " keeps" : "s keep"} running ${pinned
          .map((s) => (s.version === undefined ? "the latest" : `v${s.version}`))
          .join(", ")}: `,
        code(`/codemem schedule ${skill} "<its cron>" …`),
        " with the same values moves one.",
      ),
    ];
  }

  private async owned(name: string): Promise<SkillOwners> {
    return { name, owners: await this.options.skills.owners(name) };
  }

  private refusal(decision: Awaited<ReturnType<Policy["mayChange"]>>): CommandReply | undefined {
    return decision.allowed ? undefined : mine({ blocks: [decision.refusal] });
  }

  /** The latest audit entries, for approvers only: who approved, ran and changed what. */
  private async auditLines(user: User, skill: string | undefined): Promise<UiMessage> {
    if (!(await this.options.policy.isApprover(user)))
      return text("Only approvers (CODEMEM_APPROVERS) may read the audit log.");
    const audit = this.options.audit;
    if (audit === undefined) return text("This process keeps no audit log.");
    const records = await audit.latest({ skill, count: 20 });
    if (records.length === 0)
      return text(skill === undefined ? "The audit log is empty." : `Nothing about ${skill} yet.`);
    return {
      blocks: records.map((record) => {
        const who = parseUserKey(record.who);
        const what: (string | Span | User)[] = [`${atMinute(record.at)} `, who ?? record.who, ` ${record.action}`];
        if (record.skill !== undefined)
          what.push(" ", code(record.version === undefined ? record.skill : `${record.skill} v${record.version}`));
        if (record.detail !== undefined) what.push(` (${record.detail})`);
        return rich(...what);
      }),
    };
  }

  /** The whole of a text the fitter cut, as stored by the deliverer. */
  private async show(id: string, part: number): Promise<UiMessage> {
    const cut = await this.options.surface.fullText?.(id, part);
    if (cut === undefined)
      throw userError("USAGE", `nothing was cut from message ${id} (part ${part}), or it has expired`);
    return { blocks: [{ type: "code", language: "text", title: cut.title, source: cut.text }] };
  }
}

/** One schedule: its id, what it runs (the pinned version) and when; a paused one says why, with its buttons. */
function scheduleBlocks(s: ScheduleInfo): UiBlock[] {
  const version = s.version === undefined ? "latest" : `v${s.version}`;
  const what = `: ${s.skill} ${version} "${s.cron}" ${s.tz}`;
  if (s.paused === undefined) return [rich(code(s.id), `${what}, next ${s.next ?? "?"}`)];
  const since = atMinute(s.paused.at);
  return [
    rich(code(s.id), what, ", ", { text: "paused", style: "strong" }, ` since ${since} UTC: ${s.paused.reason}`),
    pausedButtons(s.id),
  ];
}

/** A stored user key as a mention; shipped skills' "codemem" as plain text. */
function person(key: string): Span | User {
  return parseUserKey(key) ?? { text: key };
}

/** A line that may start a sentence: an error's message shown on its own. */
export function capitalize(line: string): string {
  return line.charAt(0).toUpperCase() + line.slice(1);
}
