/**
 * The platform-neutral message model every adapter renders (Block Kit, Adaptive Cards, the console,
 * the terminal). Buttons carry {sessionId, pendingId, choice}; a click on a stale pendingId changes nothing.
 */
export type TodoStatus = "pending" | "in_progress" | "completed";

export interface Todo {
  content: string;
  status: TodoStatus;
}

export interface ButtonValue {
  sessionId: string;
  pendingId: string;
  choice: string;
}

export interface Button {
  label: string;
  value: ButtonValue;
  style?: "primary" | "danger" | undefined;
}

export interface ToolUse {
  id: string;
  access: "read-only" | "writes" | "destructive";
}

export type UiBlock =
  | { type: "text"; text: string }
  | { type: "todos"; items: Todo[] }
  | { type: "code"; language: string; source: string; collapsed?: boolean | undefined; title?: string | undefined }
  | { type: "sample"; toolId: string; json: string; truncated: boolean; note?: string | undefined }
  | { type: "question"; prompt: string; buttons: Button[]; answered?: string | undefined }
  | {
      type: "proposal";
      name: string;
      description: string;
      params: unknown;
      code: string;
      preview: string;
      tools: ToolUse[];
      buttons: Button[];
      answered?: string | undefined;
    }
  | { type: "progress"; done: number; skipped: number; failed: number; total: number; ratePerSecond: number; etaSeconds: number | null };

export interface UiMessage {
  blocks: UiBlock[];
  /** Set on everything the replay model produces, so nobody mistakes the demo for a real run. */
  demo?: boolean | undefined;
}

export const text = (value: string, demo?: boolean): UiMessage => ({ blocks: [{ type: "text", text: value }], ...(demo ? { demo } : {}) });
