import { silentLogger, type Logger } from "../ops/logger.ts";
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { RedisClient } from "../redis/client.ts";
import { asCodedError } from "../errors.ts";
import { tryLock, unlock } from "../redis/lock.ts";
import { luaScript } from "../redis/script.ts";
import { takeToken } from "../redis/token-bucket.ts";
import type { DeliveryTarget, OutboundAdapter, PlatformLimits } from "../ui/adapter.ts";
import { type FittedMessage, fitMessage, type Overflow } from "../ui/fit.ts";
import { labelledFor, type UiMessage } from "../ui/message.ts";
import type { ThreadRef } from "../ui/surface.ts";
import type { User } from "../ui/user.ts";
import { chatQueueName } from "../queues.ts";
import { ChatKeys, DELIVERY_LOCK_MS } from "./keys.ts";
import type { DeliveryJob } from "./outbox.ts";
import type { Metrics } from "../ops/metrics.ts";

export interface DeliverersOptions {
  connection: ConnectionOptions;
  redis: RedisClient;
  /** The app's key and queue prefix. */
  prefix: string;
  /** The platforms this process delivers to. */
  adapters: readonly OutboundAdapter[];
  /** Deliveries at once per platform in this process (different messages). Default: 8. */
  concurrency?: number | undefined;
  /**
   * How long a post waits for the post before it in its thread, so a thread reads in order; past
   * this it goes out anyway (the one before may have failed for good). Default: 30,000 ms.
   */
  orderWaitMs?: number | undefined;
  /** Counts deliveries and their lag. Default: nothing counted. */
  metrics?: Metrics | undefined;
  log?: Logger | undefined;
  /** How long a message's state lives after its last change. Default: MESSAGE_TTL_SECONDS (30 days). */
  messageTtlSeconds?: number | undefined;
}

/** A private message on a platform that cannot hide it from others says plainly whom it is for. */
function forWhom(message: UiMessage, visibleTo: User | undefined, limits: PlatformLimits): UiMessage {
  if (visibleTo === undefined || limits.ephemeral) return message;
  return labelledFor(message, visibleTo);
}

/** A job whose state is no longer the latest, or was delivered already, has nothing left to do. */
function superseded(seq: number, latest: string | null | undefined, delivered: string | null | undefined): boolean {
  return latest === null || latest === undefined || Number(latest) > seq || Number(delivered ?? 0) >= seq;
}

/** Retry a delivery later without counting an attempt: a 429, the platform's pace, a post's turn. */
type Outcome = undefined | { laterMs: number };

const RAISE_TO = luaScript(new URL("./raise-to.lua", import.meta.url));

/**
 * Delivers the outbox: one BullMQ worker per platform this process has an adapter for. Each job
 * brings one logical message to one state. It is skipped when a newer state is queued (latest
 * wins, so a burst of updates becomes a few), posts wait their turn in the thread, updates keep the
 * platform's pace, a 429 waits its retry-after, and a delivery that fails for good is logged with
 * its code and kept on the message.
 */
export function startDeliverers(options: DeliverersOptions): { close(): Promise<void> } {
  const keys = new ChatKeys(options.prefix, options.messageTtlSeconds);
  const log = options.log ?? silentLogger;
  const workers = options.adapters.map((adapter) => {
    const delivery = new Delivery(options.redis, keys, adapter, options.orderWaitMs ?? 30_000, log, options.metrics);
    const worker = new Worker<DeliveryJob>(
      chatQueueName(adapter.platform),
      async (job: Job<DeliveryJob>, token?: string) => {
        const outcome = await delivery.run(job);
        if (outcome === undefined) return;
        await job.moveToDelayed(Date.now() + outcome.laterMs, token);
        throw new DelayedError();
      },
      { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency ?? 8 },
    );
    worker.on("failed", (job, error) => {
      const final =
        error.name === "UnrecoverableError" || (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
      if (job === undefined || !final) return;
      log.warn({ platform: adapter.platform, id: job.data.id, err: error.message }, "chat delivery failed for good");
      options.metrics?.deliveries.inc({ platform: adapter.platform, outcome: "failed" });
      void delivery.giveUp(job.data.id, error.message).catch(() => {});
    });
    worker.on("error", (error) => log.warn({ platform: adapter.platform, err: error.message }, "chat worker error"));
    return worker;
  });
  return {
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}

class Delivery {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: ChatKeys,
    private readonly adapter: OutboundAdapter,
    private readonly orderWaitMs: number,
    private readonly log: Logger,
    private readonly metrics: Metrics | undefined,
  ) {}

  /** A state reached the platform: counted, with the time since it was queued. */
  private delivered(job: Job<DeliveryJob>): void {
    if (this.metrics === undefined) return;
    this.metrics.deliveries.inc({ platform: this.adapter.platform, outcome: "delivered" });
    this.metrics.deliveryLagSeconds.observe({ platform: this.adapter.platform }, (Date.now() - job.timestamp) / 1000);
  }

  async run(job: Job<DeliveryJob>): Promise<Outcome> {
    const { id, seq } = job.data;
    if (await this.settled(id, seq)) return undefined;
    const lock = await tryLock(this.redis, this.keys.lock(id), DELIVERY_LOCK_MS);
    if (lock === undefined) return { laterMs: 100 };
    try {
      return await this.deliver(job);
    } catch (error) {
      const coded = asCodedError(error, "CHAT_DELIVERY_FAILED");
      if (coded.code === "CHAT_RATE_LIMITED") return { laterMs: Math.max(coded.retryAfterMs ?? 1000, 50) };
      if (!coded.retryable) throw new UnrecoverableError(`${coded.code}: ${coded.message}`);
      throw new Error(`${coded.code}: ${coded.message}`);
    } finally {
      await unlock(this.redis, lock);
    }
  }

  /**
   * A delivery failed for good: the error stays on the message (for /codemem status and people
   * reading Redis), and the thread's next posts stop waiting for this one.
   */
  async giveUp(id: string, error: string): Promise<void> {
    const key = this.keys.message(id);
    await this.redis.hset(key, "error", error);
    const [thread, order, ref] = await this.redis.hmget(key, "thread", "order", "ref");
    if (thread && order && !ref)
      await RAISE_TO.run(
        this.redis,
        [this.keys.posted(JSON.parse(thread) as ThreadRef)],
        [order, this.keys.messageTtlSeconds],
      );
  }

  /** Checked before the lock, to skip superseded jobs cheaply; deliver() checks again under it. */
  private async settled(id: string, seq: number): Promise<boolean> {
    const [latest, delivered] = await this.redis.hmget(this.keys.message(id), "seq", "delivered");
    return superseded(seq, latest, delivered);
  }

  private async deliver(job: Job<DeliveryJob>): Promise<Outcome> {
    const { id, seq } = job.data;
    const key = this.keys.message(id);
    const state = await this.redis.hgetall(key);
    if (state.message === undefined || superseded(seq, state.seq, state.delivered)) return undefined;
    const thread = JSON.parse(state.thread as string) as ThreadRef;
    const visibleTo = state.visibleTo ? (JSON.parse(state.visibleTo) as User) : undefined;
    if (state.kind === "status") {
      const line = (JSON.parse(state.message) as UiMessage).blocks[0];
      if (this.adapter.status !== undefined && line?.type === "text")
        await this.adapter.status(await this.target(thread), line.text);
      await this.redis.hset(key, "delivered", seq);
      return undefined;
    }
    const now = Date.now();
    if (state.ref !== undefined) {
      // A message for one person is not updated: not every platform can (Slack's ephemeral messages).
      if (visibleTo !== undefined) {
        await this.redis.hset(key, "delivered", seq);
        return undefined;
      }
      const wait = Number(state.deliveredAt ?? 0) + this.adapter.limits.updateIntervalMs - now;
      if (wait > 0) return { laterMs: wait };
    }
    const message = JSON.parse(state.message) as UiMessage;
    if (state.ref === undefined) {
      const order = Number(state.order ?? 1);
      const posted = Number((await this.redis.get(this.keys.posted(thread))) ?? 0);
      if (posted < order - 1 && now - job.timestamp < this.orderWaitMs) return { laterMs: 50 };
      const wait =
        (await this.pace(`${thread.platform}/${thread.channel}`, this.adapter.limits.posts)) ||
        (await this.callPace(thread.channel));
      if (wait > 0) return { laterMs: wait };
      const fitted = await this.fit(id, message, visibleTo);
      const target = await this.target(thread);
      const ref = await this.adapter.post(target, fitted.message, { visibleTo });
      // Only a public post opens the thread: a private one (an ephemeral) cannot hold replies.
      if (target.thread === undefined && visibleTo === undefined) {
        await this.redis.set(this.keys.opened(thread), ref.thread, "EX", this.keys.messageTtlSeconds, "NX");
      }
      await this.redis.hset(key, {
        ref: ref.id,
        target: JSON.stringify({ channel: target.channel, thread: ref.thread }),
        delivered: seq,
        deliveredAt: Date.now(),
      });
      await RAISE_TO.run(this.redis, [this.keys.posted(thread)], [order, this.keys.messageTtlSeconds]);
      await this.attach({ channel: target.channel, thread: ref.thread }, fitted.overflow, id);
      this.delivered(job);
      return undefined;
    }
    const target = JSON.parse(state.target as string) as DeliveryTarget;
    const wait = await this.callPace(target.channel);
    if (wait > 0) return { laterMs: wait };
    const fitted = await this.fit(id, message, undefined);
    await this.adapter.update(target, state.ref, fitted.message);
    await this.redis.hset(key, { delivered: seq, deliveredAt: Date.now() });
    this.delivered(job);
    return undefined;
  }

  /** The app-wide call pace, in the bucket the platform counts the channel's calls in (Teams: its tenant). */
  private async callPace(channel: string): Promise<number> {
    if (this.adapter.limits.calls === undefined) return 0;
    const scope = (await this.adapter.callScope?.(channel)) ?? "*app*";
    return this.pace(`${this.adapter.platform}/${scope}`, this.adapter.limits.calls);
  }

  /** Milliseconds to wait for one of the platform's paces (0: go now, and a token is taken). */
  private async pace(bucket: string, limit: { rate: number; burst: number } | undefined): Promise<number> {
    if (limit === undefined) return 0;
    return takeToken(this.redis, this.keys.pace(bucket), limit);
  }

  /**
   * The message cut to the platform's limits, right before it goes out (not on every wait for a turn
   * or a pace); what was cut is kept whole for /codemem show.
   */
  private async fit(id: string, message: UiMessage, visibleTo: User | undefined): Promise<FittedMessage> {
    const limits = this.adapter.limits;
    const fitted = fitMessage(
      forWhom(message, visibleTo, limits),
      limits,
      (i) => `/codemem show ${id} ${i + 1} shows all of it`,
    );
    if (fitted.overflow.length > 0) {
      const full = this.keys.full(id);
      await this.redis.hset(
        full,
        Object.fromEntries(fitted.overflow.map((cut, i) => [String(i + 1), JSON.stringify(cut)])),
      );
      await this.redis.expire(full, this.keys.messageTtlSeconds);
    }
    return fitted;
  }

  /** Cut texts as files beside the post; a failure only costs the file (/codemem show still has it). */
  private async attach(target: DeliveryTarget, overflow: readonly Overflow[], id: string): Promise<void> {
    if (this.adapter.attach === undefined) return;
    for (const cut of overflow) {
      try {
        await this.adapter.attach(target, cut);
      } catch (error) {
        this.log.warn(
          { platform: this.adapter.platform, id, err: asCodedError(error).message },
          "attaching a message's full text failed",
        );
      }
    }
  }

  /** The platform thread to post in: the thread itself, or the one a command's first post opened. */
  private async target(thread: ThreadRef): Promise<DeliveryTarget> {
    if (thread.thread !== undefined) return { channel: thread.channel, thread: thread.thread };
    const opened = thread.opener === undefined ? null : await this.redis.get(this.keys.opened(thread));
    return opened === null ? { channel: thread.channel } : { channel: thread.channel, thread: opened };
  }
}
