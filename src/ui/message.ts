import { z } from "zod";
import type { User } from "./user.ts";

/**
 * The platform-neutral message model every adapter renders (Block Kit, Adaptive Cards, the console,
 * the terminal). Core writes no markup: structure (code, mentions, fields) is carried in blocks and
 * spans, and each adapter renders it its own way. A session's buttons carry {sessionId, pendingId,
 * choice} (a click on a stale pendingId changes nothing); command buttons carry {command, target}.
 */
/** One step of the agent's plan (write_todos), as the thread shows it. */
export const todoSchema = z.object({
  content: z.string(),
  status: z.enum(["pending", "in_progress", "completed"]),
});

export type Todo = z.infer<typeof todoSchema>;

/** A session's button: the answer to the pending question or proposal it belongs to. */
export interface ButtonValue {
  sessionId: string;
  pendingId: string;
  choice: string;
}

/**
 * A button that is a command on something kept, outside any session: run a run again with its
 * values, resume a paused schedule, show a schedule's last error. The Bot checks who clicks.
 */
export interface CommandValue {
  command: "rerun" | "resume" | "last-error";
  /** The run's or the schedule's id. */
  target: string;
}

export interface Button<Value = ButtonValue> {
  label: string;
  value: Value;
  style?: "primary" | "danger" | undefined;
  /** Asks "are you sure?" before sending (an approval that writes). */
  confirm?: string | undefined;
}

export interface ToolUse {
  id: string;
  access: "read-only" | "writes" | "destructive";
}

/**
 * A piece of a rich line: plain or styled text, a person, or a group of people (mentions where the
 * platform has them).
 */
export type Span = { text: string; style?: "code" | "strong" | undefined } | { user: User } | { group: User };

/** Who answered a question or proposal, and with what; `working` while the answer is being acted on. */
export interface Answer {
  label: string;
  by: User;
  working?: boolean | undefined;
}

export type UiBlock =
  | { type: "text"; text: string }
  | { type: "rich"; spans: Span[] }
  | { type: "fields"; fields: { label: string; value: string }[] }
  | { type: "todos"; items: Todo[] }
  | { type: "code"; language: string; source: string; collapsed?: boolean | undefined; title?: string | undefined }
  | { type: "sample"; toolId: string; json: string; truncated: boolean; note?: string | undefined }
  | { type: "question"; prompt: string; buttons: Button[]; answered?: Answer | undefined }
  /**
   * Rows of short cells under a header (a finished run's items and outcomes). The fitter shows the
   * first TABLE_ROWS rows; the rest go behind /codemem show.
   */
  | { type: "table"; columns: string[]; rows: string[][] }
  /** Command buttons under what they act on (a run in the history, a paused schedule). */
  | { type: "actions"; buttons: Button<CommandValue>[] }
  | {
      type: "proposal";
      name: string;
      description: string;
      params: unknown;
      /** What Approve runs it with: the values its dry run used. */
      sampleParams: Record<string, unknown>;
      code: string;
      preview: string;
      tools: ToolUse[];
      buttons: Button[];
      answered?: Answer | undefined;
    }
  | {
      type: "progress";
      done: number;
      skipped: number;
      failed: number;
      total: number;
      ratePerSecond: number;
      etaSeconds: number | null;
    };

export interface UiMessage {
  blocks: UiBlock[];
  /**
   * Who may press its question's or proposal's buttons (the session's people and the approvers): a
   * platform that can show live buttons to some people only (Teams' refresh.userIds) shows them to
   * these, and the card without them to everyone else. Clicks are checked either way.
   */
  answerers?: User[] | undefined;
  /** Set on everything the replay model produces, so nobody mistakes the demo for a real run. */
  demo?: boolean | undefined;
}

export const text = (value: string, demo?: boolean): UiMessage => ({
  blocks: [{ type: "text", text: value }],
  ...(demo ? { demo } : {}),
});

/** A rich line from plain strings, `{code}` pieces and users: rich("Saved ", code("x"), " by ", user). */
export function rich(...parts: (string | Span | User)[]): UiBlock {
  return { type: "rich", spans: parts.map((part) => (typeof part === "string" ? { text: part } : asSpan(part))) };
}

export const code = (value: string): Span => ({ text: value, style: "code" });

function asSpan(part: Span | User): Span {
  return "platform" in part ? { user: part } : part;
}

/** A private message where it cannot be hidden from others: it says plainly whom it is for. */
export function labelledFor(message: UiMessage, user: User): UiMessage {
  return { ...message, blocks: [rich("For ", user, " only:"), ...message.blocks] };
}

/** The same message with its buttons gone and who answered shown (what everyone sees after a click). */
export function answeredMessage(message: UiMessage, answer: Answer): UiMessage {
  return {
    ...message,
    blocks: message.blocks.map((block) =>
      block.type === "question" || block.type === "proposal" ? { ...block, buttons: [], answered: answer } : block,
    ),
  };
}
