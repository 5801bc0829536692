import { randomUUID } from "node:crypto";
import type { DeliveryTarget, OutboundAdapter, PlatformLimits, PostedRef } from "../../src/ui/adapter.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import type { User } from "../../src/ui/user.ts";
import type { ConsoleKeys } from "./keys.ts";
import type { ConsoleMessage, ConsoleThreadStore } from "./store.ts";
import { CONSOLE_PLATFORM } from "./platform.ts";

export type ConsoleEvent = { type: "message"; entry: ConsoleMessage };

/** The part of ioredis the console publishes with. */
export interface ConsolePublisher {
  publish(channel: string, message: string): Promise<number>;
}

/** A page renders long texts fine; updates are cheap, so a quarter second keeps bars smooth. */
export const CONSOLE_LIMITS: PlatformLimits = {
  textChars: 20_000,
  blocks: 100,
  updateIntervalMs: 250,
  ephemeral: true,
};

/**
 * The console's outbound half: stores each message in the thread store (so a reload or another
 * browser shows it) and publishes it, so every console server's open pages get it over SSE.
 */
export class ConsoleOutbound implements OutboundAdapter {
  readonly platform = CONSOLE_PLATFORM;
  readonly limits = CONSOLE_LIMITS;

  constructor(
    private readonly store: ConsoleThreadStore,
    private readonly publisher: ConsolePublisher,
    private readonly keys: ConsoleKeys,
  ) {}

  async post(
    target: DeliveryTarget,
    message: UiMessage,
    options: { visibleTo?: User | undefined },
  ): Promise<PostedRef> {
    const thread = target.thread ?? randomUUID();
    const entry: ConsoleMessage = {
      id: await this.store.nextId(),
      thread,
      author: "bot",
      at: new Date().toISOString(),
      message,
    };
    if (options.visibleTo !== undefined) entry.visibleTo = options.visibleTo.id;
    await this.put(entry);
    return { id: entry.id, thread };
  }

  async update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    const current = await this.store.get(target.thread ?? "", id);
    if (current === undefined) return;
    await this.put({ ...current, message });
  }

  /** A person's own message, shown in the thread like the bot's. */
  async postHuman(thread: string, author: string, text: string): Promise<ConsoleMessage> {
    const entry: ConsoleMessage = {
      id: await this.store.nextId(),
      thread,
      author,
      at: new Date().toISOString(),
      message: { blocks: [{ type: "text", text }] },
    };
    await this.put(entry);
    return entry;
  }

  private async put(entry: ConsoleMessage): Promise<void> {
    await this.store.put(entry);
    const event: ConsoleEvent = { type: "message", entry };
    await this.publisher.publish(this.keys.events(), JSON.stringify(event));
  }
}
