import type { UiMessage } from "../../src/ui/message.ts";
import type { ChatSurface, MessageRef, ThreadRef } from "../../src/ui/surface.ts";
import type { ConsoleMessage, ConsoleThreadStore } from "./store.ts";

export type ConsoleEvent = { type: "message"; entry: ConsoleMessage };

/** ChatSurface of the local console: stores each message and pushes it to open pages over SSE. */
export class ConsoleSurface implements ChatSurface {
  private readonly listeners = new Set<(event: ConsoleEvent) => void>();

  constructor(private readonly store: ConsoleThreadStore) {}

  onEvent(listener: (event: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async post(thread: ThreadRef, message: UiMessage): Promise<MessageRef> {
    const entry: ConsoleMessage = { id: await this.store.nextId(), thread: thread.thread, author: "bot", at: new Date().toISOString(), message };
    await this.store.put(entry);
    this.emit({ type: "message", entry });
    return { thread, id: entry.id };
  }

  async update(ref: MessageRef, message: UiMessage): Promise<void> {
    const current = await this.store.get(ref.thread.thread, ref.id);
    if (current === undefined) return;
    const entry = { ...current, message };
    await this.store.put(entry);
    this.emit({ type: "message", entry });
  }

  /** A person's own message, shown in the thread like the bot's. */
  async postHuman(thread: string, author: string, text: string): Promise<ConsoleMessage> {
    const entry: ConsoleMessage = { id: await this.store.nextId(), thread, author, at: new Date().toISOString(), message: { blocks: [{ type: "text", text }] } };
    await this.store.put(entry);
    this.emit({ type: "message", entry });
    return entry;
  }

  private emit(event: ConsoleEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
