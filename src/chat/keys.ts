import { digestId } from "../ids.ts";
import { threadKey, type ThreadRef } from "../ui/surface.ts";

/** Messages and their delivery state are kept this long after their last change. */
export const MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

/** How long one delivery may hold its message before another process may deliver it (a crashed deliverer). */
export const DELIVERY_LOCK_MS = 30_000;

/**
 * Redis keys of the outbox, in one place for the enqueuing side and the deliverer. Everything but the
 * paces and locks lives MESSAGE_TTL_SECONDS after its last change; paces are token buckets
 * (BUCKET_TTL_MS in src/redis/token-bucket.ts); locks live DELIVERY_LOCK_MS.
 */
export class ChatKeys {
  constructor(
    readonly prefix: string,
    /** How long a message's state and its thread's counters live after their last change. */
    readonly messageTtlSeconds: number = MESSAGE_TTL_SECONDS,
  ) {}

  /** A logical message's latest state (a hash): the message, its seq, what was delivered, the platform's ref. */
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
  /** Held while one process delivers a message. Lives DELIVERY_LOCK_MS. */
  lock(id: string): string {
    return `${this.prefix}:chat:lock:${id}`;
  }
  /** Full texts of what the fitter cut from a message, by index. */
  full(id: string): string {
    return `${this.prefix}:chat:full:${id}`;
  }
}

/** BullMQ refuses ":" in custom job ids; logical ids (`run:<id>:progress`) may hold anything. */
export function deliveryJobId(id: string, seq: number): string {
  return `d-${digestId(id)}-${seq}`;
}
