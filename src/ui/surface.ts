import type { UiMessage } from "./message.ts";

/** Where a conversation lives: a Slack thread, a Teams reply chain, a console thread. */
export interface ThreadRef {
  platform: string;
  channel: string;
  thread: string;
}

export interface MessageRef {
  thread: ThreadRef;
  id: string;
}

/** The only way the core talks back to people. */
export interface ChatSurface {
  post(thread: ThreadRef, message: UiMessage): Promise<MessageRef>;
  update(ref: MessageRef, message: UiMessage): Promise<void>;
}

export const threadKey = (thread: ThreadRef): string => `${thread.platform}/${thread.channel}/${thread.thread}`;

export interface ThrottledSurfaceOptions {
  /** Least time between two updates of one message. Default: 1,000 ms (Slack's pace). */
  intervalMs?: number | undefined;
}

/**
 * Limits updates of each message to one per interval; the latest state always wins, so a burst of
 * progress updates becomes at most one update now and one with the final state.
 */
export class ThrottledSurface implements ChatSurface {
  private readonly intervalMs: number;
  private readonly last = new Map<string, number>();
  private readonly queued = new Map<string, { ref: MessageRef; message: UiMessage; timer: NodeJS.Timeout; done: Promise<void>; resolve: () => void }>();

  constructor(
    private readonly inner: ChatSurface,
    options: ThrottledSurfaceOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
  }

  post(thread: ThreadRef, message: UiMessage): Promise<MessageRef> {
    return this.inner.post(thread, message);
  }

  update(ref: MessageRef, message: UiMessage): Promise<void> {
    const key = `${ref.thread.platform}/${ref.id}`;
    const pending = this.queued.get(key);
    if (pending) {
      pending.message = message;
      return pending.done;
    }
    const wait = (this.last.get(key) ?? 0) + this.intervalMs - Date.now();
    if (wait <= 0) {
      this.last.set(key, Date.now());
      return this.inner.update(ref, message);
    }
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    const timer = setTimeout(() => {
      const entry = this.queued.get(key);
      this.queued.delete(key);
      this.last.set(key, Date.now());
      if (entry) void this.inner.update(entry.ref, entry.message).finally(entry.resolve);
    }, wait);
    this.queued.set(key, { ref, message, timer, done, resolve });
    return done;
  }

  /** Sends every queued latest state now (shutdown, end of a run). */
  async flush(): Promise<void> {
    const entries = [...this.queued.values()];
    this.queued.clear();
    await Promise.all(
      entries.map(async (entry) => {
        clearTimeout(entry.timer);
        await this.inner.update(entry.ref, entry.message);
        entry.resolve();
      }),
    );
  }
}
