import { createHash } from "node:crypto";
import { threadKey, type ThreadRef } from "../ui/surface.ts";

/** Messages and their delivery state are kept this long after their last change. */
export const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

/** Redis keys of the outbox, in one place for the enqueuing side and the deliverer. */
export class ChatKeys {
  constructor(readonly prefix: string) {}

  message(id: string): string {
    return `${this.prefix}:chat:msg:${id}`;
  }
  /** Posts enqueued to a thread so far: each post's place in the thread. */
  order(thread: ThreadRef): string {
    return `${this.prefix}:chat:order:${threadKey(thread)}`;
  }
  /** The highest place delivered in a thread: a post waits until the one before it is out. */
  posted(thread: ThreadRef): string {
    return `${this.prefix}:chat:posted:${threadKey(thread)}`;
  }
  /** The platform thread a channel-level command's first post opened. */
  opened(thread: ThreadRef): string {
    return `${this.prefix}:chat:opened:${threadKey(thread)}`;
  }
  /** A channel's post bucket (platforms that pace new messages per channel). */
  pace(channel: string): string {
    return `${this.prefix}:chat:pace:${channel}`;
  }
  lock(id: string): string {
    return `${this.prefix}:chat:lock:${id}`;
  }
  /** Full texts of what the fitter cut from a message, by index. */
  full(id: string): string {
    return `${this.prefix}:chat:full:${id}`;
  }
}

/** The queue of one platform's deliveries: only processes holding that platform's adapter take them. */
export const chatQueueName = (platform: string): string => `chat-${platform}`;

/** BullMQ refuses ":" in custom job ids; logical ids (`run:<id>:progress`) may hold anything. */
export function deliveryJobId(id: string, seq: number): string {
  return `d-${createHash("sha1").update(id).digest("hex").slice(0, 20)}-${seq}`;
}
