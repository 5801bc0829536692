import { type ConnectionOptions, DelayedError, type Job, Worker } from "bullmq";
import { z } from "zod";
import { AgentTurn } from "../agent/agent.ts";
import type { AgentDeps } from "../agent/deps.ts";
import { newSession, type SessionState, type SessionStore } from "../agent/session.ts";
import { asCodedError, CodedError } from "../errors.ts";
import { type Logger, silentLogger } from "../ops/logger.ts";
import { QUEUES } from "../queues.ts";
import { unreadableReason } from "../stored.ts";
import type { RedisClient } from "../redis/client.ts";
import { type HeldLock, renewLock, tryLock, unlock } from "../redis/lock.ts";
import { text } from "../ui/message.ts";
import { threadKey, threadRefSchema } from "../ui/surface.ts";
import { userSchema } from "../ui/user.ts";
import { skillDefinitionSchema } from "../skills/schema.ts";
import { BotKeys, TURN_LOCK_MS } from "./keys.ts";

const agentJob = z.object({
  sessionId: z.string(),
  thread: threadRefSchema,
  input: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("mention"), text: z.string(), user: userSchema }),
    z.object({ kind: z.literal("reply"), text: z.string(), user: userSchema }),
    z.object({ kind: z.literal("click"), pendingId: z.string(), choice: z.string(), user: userSchema }),
    z.object({
      kind: z.literal("import"),
      skill: skillDefinitionSchema,
      sampleParams: z.record(z.string(), z.unknown()),
      source: z.string(),
      user: userSchema,
    }),
    z.object({
      kind: z.literal("people"),
      change: z.enum(["invite", "handover"]),
      person: userSchema,
      user: userSchema,
    }),
  ]),
});

/** One turn of a thread's session, as the Bot queues it. */
export type AgentJob = z.infer<typeof agentJob>;

export interface AgentWorkerOptions {
  connection: ConnectionOptions;
  /** The app's key and queue prefix. */
  prefix: string;
  sessions: SessionStore;
  deps: AgentDeps;
  /** For the per-thread turn locks. */
  redis: RedisClient;
  /** Turns run at once in this process (different threads). Default: 4. */
  concurrency?: number | undefined;
  /** How long a turn's lock lives unrenewed (renewed every third of it while the turn runs). Default: TURN_LOCK_MS. */
  lockMs?: number | undefined;
  log?: Logger | undefined;
}

/** How soon a turn that found its thread busy is tried again. */
const BUSY_RETRY_MS = 500;

/**
 * Runs agent turns. One turn per thread at a time: a turn that finds its thread locked goes back to
 * the queue for half a second. A session waiting for a click costs nothing: the job ends, the click
 * enqueues the next turn.
 */
export function startAgentWorker(options: AgentWorkerOptions): Worker<AgentJob> {
  const log = options.log ?? silentLogger;
  const keys = new BotKeys(options.prefix);
  /**
   * The thread's session, or a new one; undefined when it was saved in a shape this release cannot read
   * (a newer codemem's, or damaged): said in the thread in one line, and the turn ends. Retrying cannot help.
   */
  const sessionOf = async (data: AgentJob): Promise<SessionState | undefined> => {
    try {
      return (await options.sessions.load(data.sessionId)) ?? newSession(data.sessionId, data.thread, data.input.user);
    } catch (error) {
      const why = unreadableReason(error);
      log.error({ session: data.sessionId, thread: threadKey(data.thread), err: why }, "a session could not be read");
      await options.deps.surface.post(data.thread, text(`I cannot go on here: ${why}. Mention me in a new thread.`));
      return undefined;
    }
  };
  return new Worker<AgentJob>(
    QUEUES.agent,
    async (job: Job<AgentJob>, token?: string) => {
      const data = agentJob.parse(job.data);
      const lockMs = options.lockMs ?? TURN_LOCK_MS;
      const lock = await tryLock(options.redis, keys.turnLock(data.sessionId), lockMs);
      if (lock === undefined) {
        await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
        throw new DelayedError();
      }
      const held = holdWhileRunning(options.redis, lock, lockMs, () =>
        log.error(
          { session: data.sessionId, thread: threadKey(data.thread) },
          "a turn lost its thread's lock; it stops before its next write",
        ),
      );
      // Every write of the session checks the lock first: a turn that lost it never overwrites another's.
      const save = async (session: SessionState) => {
        if (held.lost()) throw new CodedError("LOCK_LOST", "this turn lost its thread's lock to another turn");
        await options.sessions.save(session);
      };
      try {
        const session = await sessionOf(data);
        if (session === undefined) return;
        const turn = new AgentTurn(options.deps, session, () => save(session));
        const turnFields = {
          session: data.sessionId,
          thread: threadKey(session.thread),
          platform: session.thread.platform,
          kind: data.input.kind,
        };
        log.info(turnFields, "agent turn");
        try {
          await turn.run(data.input);
        } catch (error) {
          const coded = asCodedError(error);
          if (held.lost()) return;
          log.error({ ...turnFields, code: coded.code, err: coded.message }, "agent turn failed");
          session.status = "idle";
          await options.deps.surface.post(session.thread, {
            blocks: [
              {
                type: "text",
                text: `Something failed on my side (${coded.code}: ${coded.message}). The conversation is kept: mention me to try again.`,
              },
            ],
            ...(session.demo ? { demo: true } : {}),
          });
        }
        if (held.lost()) return;
        await save(session);
      } finally {
        held.stop();
        await unlock(options.redis, lock);
      }
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 4 },
  );
}

/**
 * Renews a turn's lock every third of its life while the turn runs (a slow model, long probes), and
 * says when a renewal found it gone: then another turn may hold the thread, and this one must not write.
 */
function holdWhileRunning(
  redis: RedisClient,
  lock: HeldLock,
  lockMs: number,
  onLost: () => void,
): { lost(): boolean; stop(): void } {
  let lost = false;
  const timer = setInterval(
    () => {
      void renewLock(redis, lock, lockMs)
        .then((held) => {
          if (held || lost) return;
          lost = true;
          clearInterval(timer);
          onLost();
        })
        // Redis away for a moment: the next renewal tries again before the lock runs out.
        .catch(() => {});
    },
    Math.max(50, Math.floor(lockMs / 3)),
  );
  return { lost: () => lost, stop: () => clearInterval(timer) };
}
