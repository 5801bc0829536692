import type { ConversationReference } from "botbuilder";
import { indexSweeper, type Sweeper } from "../../src/ops/retention.ts";
import type { RedisClient } from "../../src/redis/client.ts";
import { TeamsKeys } from "./keys.ts";

/** The part of ioredis the reference store uses. */
export type ReferenceRedis = Pick<RedisClient, "hget" | "hset" | "hdel" | "zadd" | "zrangebyscore" | "zrem">;

/**
 * Teams conversation references in Redis, one per conversation (a channel, a group chat, a personal
 * chat), saved from every activity the bot receives, so any process holding the bot's credentials can
 * post there later (proactive messages: a run's progress, its summary).
 */
export class ConversationReferences {
  private readonly keys: TeamsKeys;

  constructor(
    private readonly redis: ReferenceRedis,
    /** The app's key prefix. */
    prefix: string,
  ) {
    this.keys = new TeamsKeys(prefix);
  }

  async save(reference: Partial<ConversationReference>): Promise<void> {
    const id = baseConversationId(reference.conversation?.id ?? "");
    if (id === "") return;
    // The reply chain is not part of the stored reference: each post names its own.
    const stored = { ...reference, conversation: { ...reference.conversation, id }, activityId: undefined };
    await this.redis.hset(this.keys.references(), id, JSON.stringify(stored));
    await this.redis.zadd(this.keys.seen(), Date.now(), id);
  }

  /**
   * References of conversations the bot has heard nothing from for `days` go (the retention's
   * `platformDays`): a schedule posting there would need someone to speak in it once more.
   */
  sweeper(days: number, dayMs: number): Sweeper {
    const { redis, keys } = this;
    return indexSweeper({
      redis,
      index: keys.seen(),
      days,
      dayMs,
      what: "teams reference",
      drop: (id) => redis.hdel(keys.references(), id),
    });
  }

  async get(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    const raw = await this.redis.hget(this.keys.references(), baseConversationId(conversationId));
    return raw === null ? undefined : (JSON.parse(raw) as Partial<ConversationReference>);
  }

  /** How to reach a person in a chat of their own: their Teams id, tenant and service, by AAD object id. */
  async saveUser(aadObjectId: string, user: TeamsUserRecord): Promise<void> {
    await this.redis.hset(this.keys.users(), aadObjectId, JSON.stringify(user));
    await this.redis.hset(this.keys.aadIds(), user.id, aadObjectId);
  }

  /** A person's AAD object id from their Teams id (29:…), once the bot has seen them. */
  async aadObjectId(teamsId: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keys.aadIds(), teamsId)) ?? undefined;
  }

  async user(aadObjectId: string): Promise<TeamsUserRecord | undefined> {
    const raw = await this.redis.hget(this.keys.users(), aadObjectId);
    return raw === null ? undefined : (JSON.parse(raw) as TeamsUserRecord);
  }
}

/** What a personal chat with a person needs (the bot has seen them in some conversation). */
export interface TeamsUserRecord {
  /** Their id in Teams (29:…). */
  id: string;
  tenantId?: string | undefined;
  serviceUrl: string;
}

/** A channel reply chain's conversation id is the channel's plus `;messageid=<root>`. */
export function baseConversationId(id: string): string {
  return id.split(";messageid=")[0] ?? id;
}

/** The root message of a channel reply chain, from its conversation id. */
export function replyChainRoot(id: string): string | undefined {
  return /;messageid=(\d+)/.exec(id)?.[1];
}
