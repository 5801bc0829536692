import { z } from "zod";
import type { UiMessage } from "./message.ts";
import type { User } from "./user.ts";

/**
 * Where a conversation lives: a Slack thread, a Teams reply chain, a console thread. A command typed
 * in a channel has no thread yet: `thread` is absent and `opener` names the thread the bot's first
 * post there will open, so every later post (a run's progress, its summary) lands under it.
 */
export const threadRefSchema = z.object({
  platform: z.string(),
  channel: z.string(),
  thread: z.string().optional(),
  opener: z.string().optional(),
});

export type ThreadRef = z.infer<typeof threadRefSchema>;

/** A message by its logical id (`run:<id>:progress`, `m…`): stable across processes and retries. */
export const messageRefSchema = z.object({ thread: threadRefSchema, id: z.string() });

export type MessageRef = z.infer<typeof messageRefSchema>;

export interface PostOptions {
  /**
   * The logical id. Posting twice with one key shows one message in its latest state (a retried run
   * job does not post its progress twice). Default: a new id.
   */
  key?: string | undefined;
  /** Only this person sees it (ephemeral where the platform has it; else it says whom it is for). */
  visibleTo?: User | undefined;
}

/**
 * The only way the core talks back to people. The outbox implements it: a post or update is a job
 * that the processes holding the platform's adapter deliver, so any process may call it.
 */
export interface ChatSurface {
  post(thread: ThreadRef, message: UiMessage, options?: PostOptions): Promise<MessageRef>;
  update(ref: MessageRef, message: UiMessage): Promise<void>;
  /**
   * What the bot is doing in the thread right now ("is probing the tools…"); "" clears it. Shown only
   * where the platform has such a line (Slack's assistant status); the latest wins.
   */
  status?(thread: ThreadRef, text: string): Promise<void>;
  /**
   * The whole of a text the fitter cut from message `id` to fit its platform (part 1, 2, …), while it is
   * kept; undefined when nothing was cut. The outbox keeps them (/codemem show).
   */
  fullText?(id: string, part: number): Promise<{ title: string; text: string } | undefined>;
}

/** One string per thread (sessions, locks, post order): the platform thread, or the opener of a new one. */
export const threadKey = (thread: ThreadRef): string =>
  `${thread.platform}/${thread.channel}/${thread.thread ?? `+${thread.opener ?? ""}`}`;
