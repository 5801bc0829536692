import type { z } from "zod";
import { digestId } from "../ids.ts";
import { readStored } from "../stored.ts";
import { type ThreadRef, threadKey } from "../ui/surface.ts";
import type { User } from "../ui/user.ts";
import { SessionKeys } from "./keys.ts";
import type { RedisClient } from "../redis/client.ts";
import type { Sweep, Sweeper } from "../ops/retention.ts";
import { type pendingInputSchema, SESSION_FORMAT, sessionStateSchema, upgradeSession } from "./session-schema.ts";

export type { ProposedSkill } from "../skills/schema.ts";

/** One thread's state, written to Redis after every step (src/agent/session-schema.ts has every field). */
export type SessionState = z.infer<typeof sessionStateSchema>;

/** What a session waits for: a question, a proposal, the reason after Reject, or the schedule offer. */
export type PendingInput = z.infer<typeof pendingInputSchema>;

export type ProbeRecord = SessionState["probes"][number];

/** The part of ioredis the store uses. */
export type SessionRedis = Pick<RedisClient, "get" | "set" | "del" | "zadd" | "zrem" | "zrangebyscore">;

/**
 * Sessions in Redis, one JSON value each. Every read is parsed against the schema (an older shape
 * is upgraded first); one this release cannot read is a STATE_UNREADABLE error naming the session.
 */
export class SessionStore {
  private readonly keys: SessionKeys;

  constructor(
    private readonly redis: SessionRedis,
    /** The app's key prefix. */
    prefix: string,
  ) {
    this.keys = new SessionKeys(prefix);
  }

  async load(id: string): Promise<SessionState | undefined> {
    const raw = await this.redis.get(this.keys.session(id));
    if (raw === null) return undefined;
    return readStored(raw, {
      what: `session ${id}`,
      format: SESSION_FORMAT,
      schema: sessionStateSchema,
      upgrade: upgradeSession,
    });
  }

  async save(state: SessionState): Promise<void> {
    await this.redis.set(this.keys.session(state.id), JSON.stringify(state));
    await this.redis.zadd(this.keys.index(), Date.now(), state.id);
  }

  /**
   * The retention of sessions: one idle `idleDays` is archived (a summary kept: who asked, when, the
   * task, the skill it made, its usage; its messages, probes and pending question dropped), and an
   * archived one is deleted `archivedDays` after. A session that cannot be read is left alone.
   */
  sweeper(settings: { sessionIdleDays: number; archivedSessionDays: number; dayMs: number }): Sweeper {
    return {
      sweep: async (now, dryRun) => {
        const swept: Sweep[] = [];
        const idle = await this.redis.zrangebyscore(
          this.keys.index(),
          "-inf",
          now - settings.sessionIdleDays * settings.dayMs,
        );
        for (const id of idle) {
          const session = await this.load(id).catch(() => undefined);
          if (session === undefined) {
            if ((await this.redis.get(this.keys.session(id))) === null && !dryRun)
              await this.redis.zrem(this.keys.index(), id);
            continue;
          }
          if (session.archived === undefined) {
            swept.push({ what: "session", id, action: "archive" });
            if (!dryRun) await this.archive(session, now);
          } else if (Date.parse(session.archived.at) <= now - settings.archivedSessionDays * settings.dayMs) {
            swept.push({ what: "session", id, action: "delete" });
            if (!dryRun) {
              await this.redis.del(this.keys.session(id));
              await this.redis.zrem(this.keys.index(), id);
            }
          }
        }
        return swept;
      },
    };
  }

  private async archive(session: SessionState, now: number): Promise<void> {
    const task = session.messages.find((message) => message.role === "user")?.content;
    const archived: SessionState = {
      ...session,
      status: "done",
      messages: [],
      probes: [],
      pending: undefined,
      answered: undefined,
      archived: { at: new Date(now).toISOString(), task: typeof task === "string" ? task.slice(0, 500) : "" },
    };
    await this.redis.set(this.keys.session(session.id), JSON.stringify(archived));
    await this.redis.zadd(this.keys.index(), now, session.id);
  }
}

/**
 * Session ids are derived from the thread, so every event of a thread finds the same session. A digest
 * (not a character mapping): Teams ids hold ":", "@" and ";", and two threads must never share one.
 */
export function sessionIdFor(thread: ThreadRef): string {
  return `${thread.platform.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}-${digestId(threadKey(thread))}`;
}

/** A fresh session for a thread; the person who started it is its requester. */
export function newSession(id: string, thread: ThreadRef, requester: User): SessionState {
  return {
    format: SESSION_FORMAT,
    id,
    thread,
    requester,
    createdAt: new Date().toISOString(),
    status: "working",
    messages: [],
    todos: [],
    loaded: [],
    locks: {},
    probes: [],
    askedAbout: [],
    usage: { modelCalls: 0, promptTokens: 0, completionTokens: 0 },
    demo: false,
  };
}
