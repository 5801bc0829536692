import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { z } from "zod";
import { jsonSchemaSchema } from "../json-schema.ts";
import { proposedSkillSchema } from "../skills/schema.ts";
import { todoSchema, type UiMessage } from "../ui/message.ts";
import { messageRefSchema, threadRefSchema } from "../ui/surface.ts";
import { userSchema } from "../ui/user.ts";

/** The shape sessions are saved in; a release that changes it adds a step to `upgradeSession`. */
export const SESSION_FORMAT = 1;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A message codemem built and posted (a question, a proposal card): kept whole to show it again answered. */
const postedMessage = z.custom<UiMessage>((value) => isRecord(value) && Array.isArray(value.blocks), {
  error: "expected a message with blocks",
});

/** A message of the model's conversation, in the shape the `openai` client sends. */
const conversationMessage = z.custom<ChatCompletionMessageParam>(
  (value) => isRecord(value) && typeof value.role === "string",
  { error: "expected a chat message with a role" },
);

/** What every wait for a person has: the click's id, the tool call it answers, the choices offered. */
const waiting = {
  id: z.string(),
  /** The tool call the answer completes. */
  toolCallId: z.string(),
  choices: z.array(z.string()),
  /** The message holding the buttons, updated when answered. */
  messageRef: messageRefSchema.optional(),
  /** The message as posted, so an answer can show it again without its buttons. */
  message: postedMessage.optional(),
};

/** What a session waits for: a click on one of its choices, or (after Reject) the reason as text. */
export const pendingInputSchema = z.discriminatedUnion("kind", [
  /** ask_user's buttons; `purpose` says what the answer settles (dedup_memory unlocks a proposal). */
  z.object({ kind: z.literal("question"), ...waiting, purpose: z.string().optional() }),
  /** propose_skill's card: what Approve stores, and the dry run shown on it. */
  z.object({ kind: z.literal("proposal"), ...waiting, proposal: proposedSkillSchema, preview: z.string() }),
  /** After Reject: the requester's next message in the thread is the reason. */
  z.object({ kind: z.literal("reject_reason"), ...waiting }),
  /** The schedule offer after Approve: what to schedule. It does not hold the thread. */
  z.object({
    kind: z.literal("schedule"),
    ...waiting,
    schedule: z.object({
      skill: z.string(),
      /** The version just approved: a schedule made here pins it, "move" moves older ones to it. */
      version: z.number().int().optional(),
      params: z.record(z.string(), z.unknown()),
    }),
  }),
]);

const probeRecordSchema = z.object({
  toolId: z.string(),
  /** Items seen in the largest list result (Graph `value` arrays, plain arrays). */
  items: z.number(),
  /** Whether the result said there were more pages. */
  more: z.boolean(),
});

/** One thread's state, written to Redis after every step. */
export const sessionStateSchema = z.object({
  format: z.literal(SESSION_FORMAT),
  id: z.string(),
  thread: threadRefSchema,
  requester: userSchema,
  /** People the requester invited: their words and clicks count as the requester's. */
  guests: z.array(userSchema).optional(),
  createdAt: z.string(),
  status: z.enum(["working", "waiting", "idle", "done"]),
  messages: z.array(conversationMessage),
  todos: z.array(todoSchema),
  todoMessage: messageRefSchema.optional(),
  loaded: z.array(z.string()),
  /** Output schema per tool id, locked by probes. */
  locks: z.record(z.string(), jsonSchemaSchema),
  probes: z.array(probeRecordSchema),
  askedAbout: z.array(z.string()),
  pending: pendingInputSchema.optional(),
  /** The last answered message as it finally looks: a late click's "working…" is put right again. */
  answered: z.object({ pendingId: z.string(), ref: messageRefSchema, message: postedMessage }).optional(),
  usage: z.object({ modelCalls: z.number(), promptTokens: z.number(), completionTokens: z.number() }),
  /** Set by the replay model: every message is labelled as a demo. */
  demo: z.boolean(),
  approvedSkill: z.string().optional(),
  /** Set when the retention archived it: its messages are gone, this is what is left of them. */
  archived: z.object({ at: z.string(), task: z.string() }).optional(),
});

/**
 * A stored session brought to the current shape: sessions saved before users were platform-qualified
 * kept the requester as a bare name (of the thread's platform).
 */
export function upgradeSession(value: Record<string, unknown>): Record<string, unknown> {
  if (typeof value.requester !== "string") return value;
  const thread = isRecord(value.thread) ? value.thread : {};
  return { ...value, requester: { platform: thread.platform, id: value.requester, name: value.requester } };
}
