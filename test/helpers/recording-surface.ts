import { renderText } from "../../src/ui/render-text.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import type { ChatSurface, MessageRef, PostOptions, ThreadRef } from "../../src/ui/surface.ts";
import type { User } from "../../src/ui/user.ts";

/** A ChatSurface that keeps every message and its latest state, as a chat would show them. */
export class RecordingSurface implements ChatSurface {
  readonly messages = new Map<
    string,
    { thread: ThreadRef; message: UiMessage; updates: number; visibleTo?: User | undefined }
  >();
  private next = 1;

  async post(thread: ThreadRef, message: UiMessage, options: PostOptions = {}): Promise<MessageRef> {
    const id = options.key ?? `m${this.next++}`;
    this.messages.set(id, { thread, message, updates: 0, visibleTo: options.visibleTo });
    return { thread, id };
  }

  /** The plain text of the messages only `name` sees. */
  privateTo(name: string): string[] {
    return [...this.messages.values()]
      .filter((entry) => entry.visibleTo?.id === name)
      .map((entry) => renderText(entry.message));
  }

  /** Every status line shown, in order ("" clears it). */
  readonly statuses: string[] = [];

  async status(_thread: ThreadRef, text: string): Promise<void> {
    this.statuses.push(text);
  }

  async update(ref: MessageRef, message: UiMessage): Promise<void> {
    const current = this.messages.get(ref.id);
    if (current === undefined) throw new Error(`no message ${ref.id}`);
    current.message = message;
    current.updates++;
  }

  all(): UiMessage[] {
    return [...this.messages.values()].map((entry) => entry.message);
  }

  text(): string {
    return this.all().map(renderText).join("\n---\n");
  }

  /** Waits until the chat shows `expected` (a run's summary is posted just after its status turns final). */
  async waitForText(expected: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.text().includes(expected)) {
      if (Date.now() > deadline) throw new Error(`the chat never showed "${expected}"; it shows:\n${this.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.text();
  }

  /** The newest block of a type, e.g. the question to click. */
  lastBlock<T extends UiMessage["blocks"][number]["type"]>(
    type: T,
  ): Extract<UiMessage["blocks"][number], { type: T }> | undefined {
    const blocks = this.all().flatMap((message) => message.blocks);
    return blocks.filter((block) => block.type === type).at(-1) as
      | Extract<UiMessage["blocks"][number], { type: T }>
      | undefined;
  }
}
