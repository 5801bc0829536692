import { randomUUID } from "node:crypto";
import { type ConnectionOptions, Queue } from "bullmq";
import { z } from "zod";
import type { TurnInput } from "../agent/agent.ts";
import { type SessionState, sessionIdFor, type SessionStore } from "../agent/session.ts";
import { unreadableReason } from "../stored.ts";
import { digestId } from "../ids.ts";
import type { LimitHit, Quotas } from "../limits/quotas.ts";
import type { AuditLog } from "../ops/audit.ts";
import { AGENT_TURN_JOB, QUEUES } from "../queues.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import type { SkillStore } from "../skills/store.ts";
import { answeredMessage, type ButtonValue, code, rich, text, type UiBlock, type UiMessage } from "../ui/message.ts";
import { type ChatSurface, type MessageRef, type ThreadRef, threadKey } from "../ui/surface.ts";
import { type User, userKey } from "../ui/user.ts";
import type { AgentJob } from "./agent-worker.ts";
import { CommandClicks } from "./command-clicks.ts";
import { type CommandReply, Commands, capitalize } from "./command-handler.ts";
import type { RedisClient } from "../redis/client.ts";
import { BotKeys, EVENT_CLAIM_MS, EVENT_TTL_SECONDS } from "./keys.ts";
import type { Policy } from "./policy.ts";
import { routeMessage } from "./route.ts";

export type { CommandReply };

const buttonValue = z
  .object({ sessionId: z.string().min(1), pendingId: z.string().min(1), choice: z.string().min(1) })
  .strict();
/** What a refresh asks about: the session's waiting question or proposal (a button's value without a choice). */
const refreshValue = buttonValue.omit({ choice: true });
const commandValue = z
  .object({ command: z.enum(["rerun", "resume", "last-error"]), target: z.string().min(1).max(200) })
  .strict();

/** The part of ioredis the Bot uses: remembering event ids. */
export type BotRedis = Pick<RedisClient, "set" | "del">;

/** A chat message, normalized by an adapter. */
export interface MessageEvent {
  user: User;
  thread: ThreadRef;
  text: string;
  /** The platform said the bot was mentioned (Slack app_mention, a Teams `<at>`, a DM to the bot). */
  mentioned: boolean;
  /** The platform's id of the event: a retried delivery of it starts nothing twice. */
  eventId?: string | undefined;
}

/** What a click did, decided at once so the adapter can show it before any worker runs. */
export type ClickResult =
  | {
      kind: "accepted";
      /** The clicked message as everyone now sees it: buttons gone, who chose what, "working…". */
      message: UiMessage;
      ref: MessageRef;
    }
  | {
      /** `done`: a command button did what it says (run again, resume); the notice says what. */
      kind: "refused" | "stale" | "done";
      /** For the clicker only: why nothing happened and who can answer, or what was done. */
      notice: UiMessage;
    };

export interface BotOptions {
  /** ioredis connection options or instance for BullMQ (maxRetriesPerRequest: null on workers). */
  connection: ConnectionOptions;
  /** The app's key and queue prefix; tests use a unique one. */
  prefix: string;
  sessions: SessionStore;
  skills: SkillStore;
  policy: Policy;
  /** Where answers go: the outbox. */
  surface: ChatSurface;
  /** Runs and schedules; without it /codemem run and schedule say the runtime is off. */
  runtime?: SkillRuntime | undefined;
  /** Remembers event ids, so a platform's retries start nothing twice. Default: every event is new. */
  redis?: BotRedis | undefined;
  /** Where refused clicks, rollbacks and schedule changes are recorded; read by /codemem audit. */
  audit?: AuditLog | undefined;
  /** Sessions a person may start and the model tokens their sessions may use (src/limits). Default: none. */
  quotas?: Quotas | undefined;
  /** How long a taken event id is remembered. Default: EVENT_TTL_SECONDS (a day). */
  eventTtlSeconds?: number | undefined;
}

/**
 * The platform-neutral entry points. Adapters call these and return at once: the slow work is a job
 * on the `agent` queue whose id is the platform's event id, so a retried event is a no-op. Clicks are
 * decided here, at once; the worker checks them again under the thread's lock.
 */
export class Bot {
  readonly queue: Queue<AgentJob>;
  private readonly options: BotOptions;
  private readonly commands: Commands;
  private readonly commandClicks: CommandClicks;
  private readonly keys: BotKeys;

  constructor(options: BotOptions) {
    this.options = options;
    this.keys = new BotKeys(options.prefix);
    this.queue = new Queue<AgentJob>(QUEUES.agent, { connection: options.connection, prefix: options.prefix });
    this.commands = new Commands({
      ...options,
      enqueueTurn: (thread, input) => this.enqueue(thread, input, undefined),
    });
    this.commandClicks = new CommandClicks(options);
  }

  /**
   * Any message an adapter sees: a command is answered (privately when only the caller needs it), a
   * mention starts or continues the thread's session, a reply reaches a session waiting for text.
   */
  async onMessage(event: MessageEvent): Promise<void> {
    // A platform retries what it thinks was not received (Slack's X-Slack-Retry-Num); a command's
    // answer would be posted twice, so every event id is taken once: claimed while it is handled,
    // marked taken once its job is queued (or its answer stored), and let go when handling it failed,
    // so the platform's retry of it goes through.
    await this.once(event.eventId, () => this.handleMessage(event));
  }

  private async handleMessage(event: MessageEvent): Promise<void> {
    const route = routeMessage(event.text, event.mentioned);
    const thread = opened(event.thread, event.eventId);
    if (route.kind === "command") {
      const reply = await this.onCommand({ user: event.user, text: route.text, thread });
      await this.options.surface.post(thread, reply.message, reply.private ? { visibleTo: event.user } : {});
      return;
    }
    const found = await this.session(sessionIdFor(thread));
    const session = "session" in found ? found.session : undefined;
    // Only the session's people steer it: anyone else's words never reach the model.
    const decision = session === undefined ? undefined : await this.options.policy.mayTalk(session, event.user);
    if (session !== undefined && decision?.allowed === false) {
      // Plain talk between people in the thread is theirs; only a mention of the bot gets the notice.
      if (route.kind === "mention") await this.refuse(session.thread, event.user, decision.refusal, "message_refused");
      return;
    }
    if (route.kind === "mention") {
      const hit = await this.overLimit(session, event.user);
      if (hit !== undefined) {
        await this.refuse(thread, event.user, { type: "text", text: hit.line }, "limit_refused", hit.limit);
        return;
      }
      await this.enqueue(thread, { kind: "mention", text: route.text, user: event.user }, event.eventId);
      return;
    }
    // A session this release cannot read waits for nothing; a mention says so (the agent worker).
    if (session?.pending?.kind !== "reject_reason") return;
    await this.enqueue(thread, { kind: "reply", text: route.text, user: event.user }, event.eventId);
  }

  /**
   * `/codemem …` (the words after it): answered at once, no model call; a mistake is one line with the
   * fix. A slash command from a channel comes without a thread: the run or schedule it starts opens one.
   */
  async onCommand(event: {
    user: User;
    text: string;
    thread: ThreadRef;
    /** The platform's id of this invocation (Slack's trigger_id): a replayed request does nothing twice. */
    eventId?: string | undefined;
  }): Promise<CommandReply> {
    const answer = () => this.commands.answer({ ...event, thread: opened(event.thread, event.eventId) });
    const id = event.eventId === undefined ? undefined : `command-${event.eventId}`;
    return (
      (await this.once(id, answer)) ?? {
        message: text("That command was already taken once; nothing was done again."),
        private: true,
      }
    );
  }

  /** Skills, schedules and the latest runs in one message, as `viewer` may see them (Slack's App Home). */
  overview(viewer: User): Promise<UiMessage> {
    return this.commands.overview(viewer);
  }

  /**
   * Someone opened a conversation with the bot (Slack's agent view opens its DM with app_home_opened,
   * tab "messages"): what it does and how to start, at most once a day per person.
   */
  async welcome(user: User, thread: ThreadRef): Promise<void> {
    await this.once(`welcome-${digestId(userKey(user))}`, () =>
      this.options.surface.post(opened(thread, undefined), {
        blocks: [
          rich("Tell me a task and I'll find the tools, try them on a sample, and propose a skill you approve, e.g. ", {
            text: "archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company",
            style: "code",
          }),
          rich(
            "Skills already approved: ",
            code("skills"),
            "; recent runs: ",
            code("runs"),
            "; everything: ",
            code("help"),
            ".",
          ),
        ],
      }),
    );
  }

  /** The latest runs (of one skill), as `/codemem runs` shows them to `viewer` (the console's Runs). */
  runHistory(viewer: User, skill?: string): Promise<UiMessage> {
    return this.commands.runs(viewer, skill);
  }

  /**
   * A platform asks for a person's own view of a question or proposal (Teams' Universal Actions
   * refresh): the message with its buttons when they may answer it and it still waits, the message as
   * everyone sees it when they may not, undefined when it was answered or is gone.
   */
  async refreshed(event: { user: User; value: unknown }): Promise<{ message: UiMessage; live: boolean } | undefined> {
    const parsed = refreshValue.safeParse(event.value);
    if (!parsed.success) return undefined;
    const found = await this.session(parsed.data.sessionId);
    const session = "session" in found ? found.session : undefined;
    const pending = session?.pending;
    if (session === undefined || pending?.id !== parsed.data.pendingId || pending.message === undefined)
      return undefined;
    return { message: pending.message, live: (await this.options.policy.mayAnswer(session, event.user)).allowed };
  }

  /**
   * A button click; the value is untrusted (it came back from a chat platform). Decided now: stale
   * (answered already, or not a choice), refused (not the requester or an approver), or accepted,
   * when the message is updated for everyone and the answer goes to the session's worker.
   */
  async onAction(event: { user: User; value: unknown; eventId?: string | undefined }): Promise<ClickResult> {
    // A platform that delivers one click twice (Teams' Action.Submit) gives both the same id: taken once.
    if (event.eventId !== undefined)
      return (
        (await this.once(`click-${event.eventId}`, () => this.decideClick(event))) ?? {
          kind: "stale",
          notice: text("That click was already taken once; nothing changed."),
        }
      );
    return this.decideClick(event);
  }

  private async decideClick(event: { user: User; value: unknown }): Promise<ClickResult> {
    const command = commandValue.safeParse(event.value);
    if (command.success) return this.commandClicks.click(event.user, command.data);
    const parsed = buttonValue.safeParse(event.value);
    if (!parsed.success) return { kind: "stale", notice: text("That button is not one of mine.") };
    const value: ButtonValue = parsed.data;
    const found = await this.session(value.sessionId);
    if (!("session" in found))
      return { kind: "stale", notice: text(`${capitalize(found.unreadable)}; mention me in a new thread.`) };
    const session = found.session;
    if (session === undefined) return { kind: "stale", notice: text("That conversation no longer exists.") };
    const pending = session.pending;
    if (pending === undefined || pending.id !== value.pendingId || !pending.choices.includes(value.choice)) {
      return { kind: "stale", notice: text("That was already answered; nothing changed.") };
    }
    const decision = await this.options.policy.mayAnswer(session, event.user);
    if (!decision.allowed) {
      await this.options.audit?.append({
        action: "click_refused",
        who: userKey(event.user),
        thread: threadKey(session.thread),
        detail: value.choice,
      });
      return { kind: "refused", notice: { blocks: [decision.refusal] } };
    }
    // The clicker is part of the job id: a refused click never takes the place of an allowed one,
    // and one person's double click is one answer.
    const clickId = `click-${value.pendingId}-${digestId(value.choice, userKey(event.user))}`;
    const label = buttonLabel(pending.message, value.choice) ?? value.choice;
    const ref: MessageRef = pending.messageRef ?? { thread: session.thread, id: "" };
    const answer = { label, by: event.user, working: true };
    const message =
      pending.message === undefined ? text(`${label} (working…)`) : answeredMessage(pending.message, answer);
    // Shown before the turn is queued, so the worker's final state is always the later update.
    if (pending.messageRef !== undefined && pending.message !== undefined) {
      await this.options.surface.update(pending.messageRef, message);
    }
    await this.enqueue(
      session.thread,
      { kind: "click", pendingId: value.pendingId, choice: value.choice, user: event.user },
      clickId,
    );
    return { kind: "accepted", message, ref };
  }

  async close(): Promise<void> {
    await this.queue.close();
  }

  /** Words the bot will not take: a notice for that person alone, and an audit entry. */
  private async refuse(
    thread: ThreadRef,
    user: User,
    notice: UiBlock,
    action: "message_refused" | "limit_refused",
    detail?: string,
  ): Promise<void> {
    await this.options.audit?.append({ action, who: userKey(user), thread: threadKey(thread), detail });
    await this.options.surface.post(thread, { blocks: [notice] }, { visibleTo: user });
  }

  /**
   * A mention over a limit: a new session beyond the person's hourly sessions, or a session whose
   * requester's model tokens for the day (or everyone's) are spent. Nothing is queued behind it.
   */
  private async overLimit(session: SessionState | undefined, user: User): Promise<LimitHit | undefined> {
    const quotas = this.options.quotas;
    if (quotas === undefined) return undefined;
    const payer = userKey(session?.requester ?? user);
    const tokens = await quotas.mayCallModel(payer);
    if (tokens !== undefined || session !== undefined) return tokens;
    return quotas.startSession(payer);
  }

  /** A session, or why it cannot be read (saved by a newer release, damaged): never a throw into an ack. */
  private async session(id: string): Promise<{ session: SessionState | undefined } | { unreadable: string }> {
    try {
      return { session: await this.options.sessions.load(id) };
    } catch (error) {
      return { unreadable: unreadableReason(error) };
    }
  }

  /**
   * Runs `handle` for an event id not taken before (undefined when it was): the id is claimed for
   * EVENT_CLAIM_MS while it runs, kept for EVENT_TTL_SECONDS once it succeeded, and let go when it threw.
   */
  private async once<T>(eventId: string | undefined, handle: () => Promise<T>): Promise<T | undefined> {
    const redis = this.options.redis;
    if (eventId === undefined || redis === undefined) return handle();
    const key = this.keys.event(eventId);
    if ((await redis.set(key, "claimed", "PX", EVENT_CLAIM_MS, "NX")) !== "OK") return undefined;
    let result: T;
    try {
      result = await handle();
    } catch (error) {
      // If Redis is what failed, the claim lapses by itself after EVENT_CLAIM_MS.
      await redis.del(key).catch(() => {});
      throw error;
    }
    await redis.set(key, "taken", "EX", this.options.eventTtlSeconds ?? EVENT_TTL_SECONDS);
    return result;
  }

  private async enqueue(thread: ThreadRef, input: TurnInput, eventId: string | undefined): Promise<void> {
    const sessionId = sessionIdFor(thread);
    await this.queue.add(
      "turn",
      { sessionId, thread, input },
      { ...AGENT_TURN_JOB, jobId: jobId(eventId ?? randomUUID()) },
    );
  }
}

/** A channel-level target gets an opener: its first post opens the thread the rest follows into. */
function opened(thread: ThreadRef, eventId: string | undefined): ThreadRef {
  if (thread.thread !== undefined || thread.opener !== undefined) return thread;
  return { ...thread, opener: eventId === undefined ? randomUUID() : digestId(eventId) };
}

function buttonLabel(message: UiMessage | undefined, choice: string): string | undefined {
  for (const block of message?.blocks ?? []) {
    if (block.type !== "question" && block.type !== "proposal") continue;
    const button = block.buttons.find((b) => b.value.choice === choice);
    if (button !== undefined) return button.label;
  }
  return undefined;
}

/** BullMQ refuses ":" in custom ids; platform event ids may hold anything. */
function jobId(eventId: string): string {
  return /^[A-Za-z0-9_.-]{1,100}$/.test(eventId) ? eventId : `e-${digestId(eventId)}`;
}
