import { type Answer, answeredMessage, type UiMessage } from "../ui/message.ts";
import type { ChatSurface, MessageRef } from "../ui/surface.ts";
import type { User } from "../ui/user.ts";
import type { PendingInput, SessionState } from "./session.ts";

/**
 * How a turn talks in its thread: posts, updates, private notices and the status line, every message
 * labelled a demo when the replay model drives the session.
 */
export class ThreadVoice {
  constructor(
    private readonly surface: ChatSurface,
    private readonly session: SessionState,
    /** Who may answer in any session besides its people (the named approvers). */
    private readonly approvers: readonly User[] = [],
  ) {}

  /** A message in the thread; with `visibleTo`, for that person only. */
  post(message: UiMessage, visibleTo?: User): Promise<MessageRef> {
    return this.surface.post(this.session.thread, this.label(message), visibleTo === undefined ? {} : { visibleTo });
  }

  update(ref: MessageRef, message: UiMessage): Promise<void> {
    return this.surface.update(ref, this.label(message));
  }

  async say(text: string): Promise<void> {
    await this.post({ blocks: [{ type: "text", text }] });
  }

  /** A line for one person only (refusals, stale clicks, "I'm waiting"). */
  async notice(user: User, text: string): Promise<void> {
    await this.post({ blocks: [{ type: "text", text }] }, user);
  }

  /** What the bot is doing in the thread; a status line that fails is not worth failing the turn for. */
  async status(text: string): Promise<void> {
    await this.surface.status?.(this.session.thread, text).catch(() => {});
  }

  /** The pending message as everyone now sees it: its buttons gone, who answered with what. */
  async markAnswered(pending: PendingInput, answer: Answer): Promise<void> {
    if (pending.messageRef === undefined || pending.message === undefined) return;
    const message = this.label(answeredMessage(pending.message, answer));
    this.session.answered = { pendingId: pending.id, ref: pending.messageRef, message };
    await this.update(pending.messageRef, message);
  }

  /**
   * The message as this session shows it: a demo session labels every message, and a question or
   * proposal with buttons names who may answer it (its people and the approvers).
   */
  label(message: UiMessage): UiMessage {
    const asks = message.blocks.some(
      (block) => (block.type === "question" || block.type === "proposal") && block.buttons.length > 0,
    );
    const { requester, guests } = this.session;
    const answerers = asks ? [requester, ...(guests ?? []), ...this.approvers] : undefined;
    return {
      ...message,
      ...(this.session.demo ? { demo: true } : {}),
      ...(answerers === undefined ? {} : { answerers }),
    };
  }
}
