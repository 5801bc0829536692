import { randomUUID } from "node:crypto";
import { Queue, type ConnectionOptions } from "bullmq";
import { digestId } from "../ids.ts";
import type { RedisClient } from "../redis/client.ts";
import { Scrubber } from "../ops/scrub.ts";
import { luaScript } from "../redis/script.ts";
import type { UiMessage } from "../ui/message.ts";
import { threadKey, type ChatSurface, type MessageRef, type PostOptions, type ThreadRef } from "../ui/surface.ts";
import { chatQueueName, DELIVERY_JOB } from "../queues.ts";
import { ChatKeys, deliveryJobId } from "./keys.ts";

const STORE_MESSAGE = luaScript(new URL("./store-message.lua", import.meta.url));

/** One delivery: bring message `id` to state `seq` (or newer) on its platform. */
export interface DeliveryJob {
  id: string;
  seq: number;
}

export interface OutboxOptions {
  /** BullMQ connection. */
  connection: ConnectionOptions;
  /** A client for the messages' state. */
  redis: RedisClient;
  /** The app's key and queue prefix. */
  prefix: string;
  /** Attempts of one delivery before it is logged as failed (429 waits do not count). Default: 8. */
  attempts?: number | undefined;
  /** How long a message's state lives after its last change. Default: MESSAGE_TTL_SECONDS (30 days). */
  messageTtlSeconds?: number | undefined;
  /** Takes secrets out of every message before it is stored or delivered. Default: credential shapes only. */
  scrubber?: Scrubber | undefined;
}

/**
 * The core's ChatSurface in every process: a post or an update stores the message's latest state in
 * Redis and enqueues a delivery on its platform's `chat-<platform>` queue. Nothing here needs a
 * platform secret, so worker processes report progress too; whoever holds the adapter delivers.
 */
export class Outbox implements ChatSurface {
  private readonly keys: ChatKeys;
  private readonly queues = new Map<string, Queue<DeliveryJob>>();
  private readonly scrubber: Scrubber;

  constructor(private readonly options: OutboxOptions) {
    this.keys = new ChatKeys(options.prefix, options.messageTtlSeconds);
    this.scrubber = options.scrubber ?? new Scrubber();
  }

  async post(thread: ThreadRef, message: UiMessage, options: PostOptions = {}): Promise<MessageRef> {
    const id = options.key ?? `m${randomUUID()}`;
    const visibleTo = options.visibleTo === undefined ? "" : JSON.stringify(options.visibleTo);
    await this.store(thread, id, message, visibleTo, "post");
    return { thread, id };
  }

  async update(ref: MessageRef, message: UiMessage): Promise<void> {
    await this.store(ref.thread, ref.id, message, "", "update");
  }

  /** One status line per thread, delivered like a message (latest wins) where the platform shows one. */
  async status(thread: ThreadRef, text: string): Promise<void> {
    const id = `status-${digestId(threadKey(thread))}`;
    await this.store(thread, id, { blocks: [{ type: "text", text }] }, "", "post", "status");
  }

  async fullText(id: string, part: number): Promise<{ title: string; text: string } | undefined> {
    const raw = await this.options.redis.hget(this.keys.full(id), String(part));
    return raw === null ? undefined : (JSON.parse(raw) as { title: string; text: string });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  private async store(
    thread: ThreadRef,
    id: string,
    message: UiMessage,
    visibleTo: string,
    op: "post" | "update",
    kind: "message" | "status" = "message",
  ) {
    const clean = this.scrubber.message(message);
    const args = [JSON.stringify(thread), JSON.stringify(clean), visibleTo, this.keys.messageTtlSeconds, op, kind];
    const seq = Number(
      await STORE_MESSAGE.run(this.options.redis, [this.keys.message(id), this.keys.order(thread)], args),
    );
    // An update of a message that was never posted (or expired) has nothing to change.
    if (seq === 0) return;
    await this.queue(thread.platform).add(
      "deliver",
      { id, seq },
      { ...DELIVERY_JOB, jobId: deliveryJobId(id, seq), attempts: this.options.attempts ?? 8 },
    );
  }

  /** A platform's delivery queue (the metrics read its depth). */
  queue(platform: string): Queue<DeliveryJob> {
    let queue = this.queues.get(platform);
    if (queue === undefined) {
      queue = new Queue<DeliveryJob>(chatQueueName(platform), {
        connection: this.options.connection,
        prefix: this.options.prefix,
      });
      this.queues.set(platform, queue);
    }
    return queue;
  }
}
