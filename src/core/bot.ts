import { createHash, randomUUID } from "node:crypto";
import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { z } from "zod";
import { AgentTurn, type TurnInput } from "../agent/agent.ts";
import type { AgentDeps } from "../agent/deps.ts";
import { newSession, sessionIdFor, SessionStore } from "../agent/session.ts";
import { asCodedError } from "../errors.ts";
import type { SkillStore } from "../skills/store.ts";
import type { ButtonValue, UiMessage } from "../ui/message.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import { progressBlock, summaryText } from "../runtime/progress.ts";
import { Schedules } from "../runtime/schedules.ts";
import { lineDiff } from "../skills/diff.ts";
import { COMMAND_HELP, parseCommand } from "./commands.ts";
import type { ThreadRef } from "../ui/surface.ts";

const buttonValue = z.object({ sessionId: z.string().min(1), pendingId: z.string().min(1), choice: z.string().min(1) }).strict();
const agentJob = z.object({
  sessionId: z.string(),
  thread: z.object({ platform: z.string(), channel: z.string(), thread: z.string() }),
  input: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("mention"), text: z.string(), user: z.string() }),
    z.object({ kind: z.literal("reply"), text: z.string(), user: z.string() }),
    z.object({ kind: z.literal("click"), pendingId: z.string(), choice: z.string(), user: z.string() }),
  ]),
});
export type AgentJob = z.infer<typeof agentJob>;

export interface BotOptions {
  /** ioredis connection options or instance for BullMQ (maxRetriesPerRequest: null on workers). */
  connection: ConnectionOptions;
  /** BullMQ key prefix; tests use a unique one. Default: "codemem". */
  prefix?: string | undefined;
  sessions: SessionStore;
  skills: SkillStore;
  /** Runs and schedules; without it /codemem run and schedule say the runtime is off. */
  runtime?: SkillRuntime | undefined;
}

/**
 * The platform-neutral entry points. Chat handlers call these and return at once: the work is a job
 * on the `agent` queue, whose id is the platform's event id, so a retried event is a no-op.
 */
export class Bot {
  readonly queue: Queue<AgentJob>;
  private readonly sessions: SessionStore;
  private readonly skills: SkillStore;
  private readonly runtime: SkillRuntime | undefined;

  constructor(options: BotOptions) {
    this.queue = new Queue<AgentJob>("agent", { connection: options.connection, prefix: options.prefix ?? "codemem" });
    this.sessions = options.sessions;
    this.skills = options.skills;
    this.runtime = options.runtime;
  }

  /** `/codemem …`: answered at once, no model call. Every mistake is one line with the fix. */
  async onCommand(event: { user: string; text: string; thread?: ThreadRef | undefined }): Promise<UiMessage> {
    try {
      return await this.command(event);
    } catch (error) {
      const coded = asCodedError(error);
      return { blocks: [{ type: "text", text: coded.family === "user" ? coded.message : `That failed on my side (${coded.code}: ${coded.message}).` }] };
    }
  }

  private async command(event: { user: string; text: string; thread?: ThreadRef | undefined }): Promise<UiMessage> {
    const say = (text: string): UiMessage => ({ blocks: [{ type: "text", text }] });
    const command = parseCommand(event.text);
    switch (command.name) {
      case "help":
        return { blocks: [{ type: "code", language: "text", source: COMMAND_HELP, title: "codemem commands" }] };
      case "skills": {
        const names = await this.skills.names();
        if (names.length === 0) return say("No skills yet. Mention me with a task to make one.");
        const lines = await Promise.all(
          names.map(async (name) => {
            const skill = await this.skills.latest(name);
            return `• ${name} v${skill?.version ?? "?"} — ${skill?.description ?? ""} (approved by ${skill?.approver ?? "?"})`;
          }),
        );
        return say(lines.join("\n"));
      }
      case "rollback": {
        const before = await this.skills.require(command.skill);
        const target = await this.skills.rollback(command.skill, command.version);
        return { blocks: [{ type: "text", text: `${command.skill} now runs v${target.version} (was v${before.version}).` }, { type: "code", language: "diff", source: lineDiff(before.code, target.code), title: `v${before.version} → v${target.version}`, collapsed: true }] };
      }
      case "diff": {
        const from = await this.skills.version(command.skill, command.from);
        const to = await this.skills.version(command.skill, command.to);
        if (from === undefined || to === undefined) return say(`${command.skill} has no version ${from === undefined ? command.from : command.to}; see /codemem skills`);
        return { blocks: [{ type: "code", language: "diff", source: lineDiff(from.code, to.code), title: `${command.skill} v${command.from} → v${command.to}` }] };
      }
      default:
        break;
    }
    const runtime = this.runtime;
    if (runtime === undefined) return say("Runs are not enabled in this process.");
    switch (command.name) {
      case "run": {
        const { runId, skill } = await runtime.enqueueRun({ skill: command.skill, params: command.params, requester: event.user, thread: event.thread });
        return say(`Started ${skill.name} v${skill.version} as run ${runId}; progress follows in this thread.`);
      }
      case "status": {
        const ids = command.runId !== undefined ? [command.runId] : await runtime.progress.recent(5);
        if (ids.length === 0) return say("No runs yet. Start one with /codemem run <skill>.");
        const blocks: UiMessage["blocks"] = [];
        for (const id of ids) {
          const run = await runtime.status(id);
          if (run === undefined) return say(`There is no run "${id}"; /codemem status lists the latest.`);
          blocks.push({ type: "text", text: run.finishedAt !== undefined ? summaryText(run) : `Run ${id}: ${run.skill} v${run.version}, ${run.status}` }, progressBlock(run));
        }
        return { blocks };
      }
      case "schedule": {
        const schedule = await new Schedules(runtime).create({ skill: command.skill, cron: command.cron, tz: command.tz, params: command.params, requester: event.user, thread: event.thread });
        return say(`Scheduled ${schedule.skill} "${schedule.cron}" (${schedule.tz}) as ${schedule.id}; next run ${schedule.next}. Results post in this thread.`);
      }
      case "schedules": {
        const list = await new Schedules(runtime).list();
        if (list.length === 0) return say("No schedules. Make one with /codemem schedule <skill> \"<cron>\" [tz] [json].");
        return say(list.map((s) => `• ${s.id}: ${s.skill} "${s.cron}" ${s.tz}, next ${s.next ?? "?"}`).join("\n"));
      }
      case "unschedule":
        await new Schedules(runtime).remove(command.id);
        return say(`Removed schedule ${command.id}.`);
    }
  }

  /** `@codemem <task>` in a thread: starts (or continues) the thread's session. */
  async onMention(event: { thread: ThreadRef; user: string; text: string; eventId?: string | undefined }): Promise<void> {
    await this.enqueue(event.thread, { kind: "mention", text: event.text, user: event.user }, event.eventId);
  }

  /** A plain message in a thread with a session (a reason after Reject). */
  async onReply(event: { thread: ThreadRef; user: string; text: string; eventId?: string | undefined }): Promise<void> {
    const session = await this.sessions.load(sessionIdFor(event.thread));
    if (session?.pending?.kind !== "reject_reason") return;
    await this.enqueue(event.thread, { kind: "reply", text: event.text, user: event.user }, event.eventId);
  }

  /** A button click; the value is untrusted (it came back from a chat platform). */
  async onAction(event: { user: string; value: unknown; eventId?: string | undefined }): Promise<{ ok: boolean; message?: string }> {
    const parsed = buttonValue.safeParse(event.value);
    if (!parsed.success) return { ok: false, message: "That button is not one of mine." };
    const value: ButtonValue = parsed.data;
    const session = await this.sessions.load(value.sessionId);
    if (session === undefined) return { ok: false, message: "That conversation no longer exists." };
    // The pending id and choice make the job id: a double click is one answer.
    await this.enqueue(session.thread, { kind: "click", pendingId: value.pendingId, choice: value.choice, user: event.user }, event.eventId ?? `click-${value.pendingId}-${value.choice}`);
    return { ok: true };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  private async enqueue(thread: ThreadRef, input: TurnInput, eventId: string | undefined): Promise<void> {
    const sessionId = sessionIdFor(thread);
    await this.queue.add("turn", { sessionId, thread, input }, { jobId: jobId(eventId ?? randomUUID()), removeOnComplete: 1000, removeOnFail: 1000, attempts: 1 });
  }
}

/** BullMQ refuses ":" in custom ids; platform event ids may hold anything. */
function jobId(eventId: string): string {
  return /^[A-Za-z0-9_.-]{1,100}$/.test(eventId) ? eventId : `e-${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`;
}

export interface AgentWorkerOptions {
  connection: ConnectionOptions;
  prefix?: string | undefined;
  sessions: SessionStore;
  deps: AgentDeps;
  /** Turns run at once in this process (different threads). Default: 4. */
  concurrency?: number | undefined;
  /** Redis client for per-thread locks. */
  locks: { set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<unknown>; eval(script: string, keys: number, ...args: string[]): Promise<unknown> };
  log?: ((line: string) => void) | undefined;
}

const UNLOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const LOCK_MS = 10 * 60_000;

/**
 * Runs agent turns. One turn per thread at a time: a turn that finds its thread locked goes back to
 * the queue for half a second. A session waiting for a click costs nothing: the job ends, the click
 * enqueues the next turn.
 */
export function startAgentWorker(options: AgentWorkerOptions): Worker<AgentJob> {
  const log = options.log ?? (() => {});
  return new Worker<AgentJob>(
    "agent",
    async (job: Job<AgentJob>, token?: string) => {
      const data = agentJob.parse(job.data);
      const lockKey = `${options.prefix ?? "codemem"}:lock:session:${data.sessionId}`;
      const owner = randomUUID();
      if ((await options.locks.set(lockKey, owner, "PX", LOCK_MS, "NX")) !== "OK") {
        await job.moveToDelayed(Date.now() + 500, token);
        throw new DelayedError();
      }
      try {
        const session = (await options.sessions.load(data.sessionId)) ?? newSession(data.sessionId, data.thread, data.input.user);
        const turn = new AgentTurn(options.deps, session, () => options.sessions.save(session));
        try {
          await turn.run(data.input as TurnInput);
        } catch (error) {
          const coded = asCodedError(error);
          log(`turn of ${data.sessionId} failed: ${coded.code}: ${coded.message}`);
          session.status = "idle";
          await options.deps.surface.post(session.thread, { blocks: [{ type: "text", text: `Something failed on my side (${coded.code}: ${coded.message}). The conversation is kept: mention me to try again.` }], ...(session.demo ? { demo: true } : {}) });
        }
        await options.sessions.save(session);
      } finally {
        await options.locks.eval(UNLOCK, 1, lockKey, owner);
      }
    },
    { connection: options.connection, prefix: options.prefix ?? "codemem", concurrency: options.concurrency ?? 4 },
  );
}
