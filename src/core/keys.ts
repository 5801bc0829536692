import { digestId } from "../ids.ts";

/** How long an event id is remembered: a platform's retries come within minutes (Slack: 3 tries). */
export const EVENT_TTL_SECONDS = 24 * 3600;
/** How long an event is claimed while it is handled; a process that died handling it lets go after this. */
export const EVENT_CLAIM_MS = 30_000;

/** How long a turn may hold its thread; a turn that dies leaves the thread free after this. */
export const TURN_LOCK_MS = 10 * 60_000;

/** The Bot's Redis keys, under the app's prefix. */
export class BotKeys {
  constructor(readonly prefix: string) {}

  /** A platform event already taken, so its retried delivery starts nothing twice. Lives EVENT_TTL_SECONDS. */
  event(eventId: string): string {
    return `${this.prefix}:event:${digestId(eventId)}`;
  }
  /** One turn per thread at a time: the lock a turn holds on its session. Lives TURN_LOCK_MS. */
  turnLock(sessionId: string): string {
    return `${this.prefix}:lock:session:${sessionId}`;
  }
}
