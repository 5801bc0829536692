import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { JsonSchema } from "../json-schema.ts";
import { digestId } from "../ids.ts";
import { SessionKeys } from "./keys.ts";
import type { Todo, UiMessage } from "../ui/message.ts";
import { threadKey, type MessageRef, type ThreadRef } from "../ui/surface.ts";
import type { User } from "../ui/user.ts";

/** What a session waits for: a click on one of these choices, answering the model's tool call. */
export interface PendingInput {
  id: string;
  /** A question, a proposal, the reason after Reject, or the schedule offer after Approve. */
  kind: "question" | "proposal" | "reject_reason" | "schedule";
  /** The tool call the answer completes. */
  toolCallId: string;
  choices: string[];
  /** The message holding the buttons, updated when answered. */
  messageRef?: MessageRef | undefined;
  /** The message as posted, so an answer can show it again without its buttons. */
  message?: UiMessage | undefined;
  /** For the schedule offer: what to schedule. */
  schedule?: { skill: string; params: Record<string, unknown> } | undefined;
  /** For proposals: what Approve stores, and the dry run shown on the card. */
  proposal?: ProposedSkill | undefined;
  preview?: string | undefined;
  purpose?: string | undefined;
}

export interface ProposedSkill {
  name: string;
  description: string;
  params: JsonSchema;
  sampleParams: Record<string, unknown>;
  code: string;
  tools: { id: string; access: "read-only" | "writes" | "destructive"; schema?: JsonSchema | undefined }[];
  memory: boolean;
}

export interface ProbeRecord {
  toolId: string;
  /** Items seen in the largest list result (Graph `value` arrays, plain arrays). */
  items: number;
  /** Whether the result said there were more pages. */
  more: boolean;
}

/** One thread's state, written to Redis after every step. */
export interface SessionState {
  id: string;
  thread: ThreadRef;
  requester: User;
  createdAt: string;
  status: "working" | "waiting" | "idle" | "done";
  messages: ChatCompletionMessageParam[];
  todos: Todo[];
  todoMessage?: MessageRef | undefined;
  loaded: string[];
  /** Output schema per tool id, locked by probes. */
  locks: Record<string, JsonSchema>;
  probes: ProbeRecord[];
  askedAbout: string[];
  pending?: PendingInput | undefined;
  /** The last answered message as it finally looks: a late click's "working…" is put right again. */
  answered?: { pendingId: string; ref: MessageRef; message: UiMessage } | undefined;
  usage: { modelCalls: number; promptTokens: number; completionTokens: number };
  /** Set by the replay model: every message is labelled as a demo. */
  demo: boolean;
  approvedSkill?: string | undefined;
}

/** The part of ioredis the store uses. */
export interface SessionRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export class SessionStore {
  private readonly keys: SessionKeys;

  constructor(
    private readonly redis: SessionRedis,
    /** The app's key prefix. */
    prefix: string,
  ) {
    this.keys = new SessionKeys(prefix);
  }

  async load(id: string): Promise<SessionState | undefined> {
    const raw = await this.redis.get(this.keys.session(id));
    if (raw === null) return undefined;
    const state = JSON.parse(raw) as SessionState;
    // Sessions saved before users were platform-qualified kept the requester as a bare name.
    const requester: unknown = state.requester;
    if (typeof requester === "string")
      state.requester = { platform: state.thread.platform, id: requester, name: requester };
    return state;
  }

  async save(state: SessionState): Promise<void> {
    await this.redis.set(this.keys.session(state.id), JSON.stringify(state));
  }
}

/**
 * Session ids are derived from the thread, so every event of a thread finds the same session. A hash
 * (not a character mapping): Teams ids hold ":", "@" and ";", and two threads must never share one.
 */
export function sessionIdFor(thread: ThreadRef): string {
  return `${thread.platform.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}-${digestId(threadKey(thread))}`;
}

/** A fresh session for a thread; the person who started it is its requester. */
export function newSession(id: string, thread: ThreadRef, requester: User): SessionState {
  return {
    id,
    thread,
    requester,
    createdAt: new Date().toISOString(),
    status: "working",
    messages: [],
    todos: [],
    loaded: [],
    locks: {},
    probes: [],
    askedAbout: [],
    usage: { modelCalls: 0, promptTokens: 0, completionTokens: 0 },
    demo: false,
  };
}
