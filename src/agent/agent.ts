import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { asCodedError } from "../errors.ts";
import { threadKey } from "../ui/surface.ts";
import { displayName, type User, userKey } from "../ui/user.ts";
import { answerSchedule, approve, reject } from "./approval.ts";
import type { AgentDeps } from "./deps.ts";
import type { ToolOutcome, TurnContext } from "./meta-tool.ts";
import { metaTool, metaToolDefinitions, unknownToolAnswer } from "./meta-tools.ts";
import { buildPrompt } from "./prompt.ts";
import type { SessionState } from "./session.ts";
import { ThreadVoice } from "./voice.ts";
import { importSkill } from "./import-skill.ts";
import type { SkillDefinition } from "../skills/schema.ts";

export type TurnInput =
  | { kind: "mention"; text: string; user: User }
  | { kind: "click"; pendingId: string; choice: string; user: User }
  | { kind: "reply"; text: string; user: User }
  /** A skill from an Agent Skills folder (`codemem skills import`): proposed like the model's, never trusted as is. */
  | { kind: "import"; skill: SkillDefinition; sampleParams: Record<string, unknown>; source: string; user: User }
  /** Invite someone into the session or hand it over (`@codemem invite|handover @person`). */
  | { kind: "people"; change: "invite" | "handover"; person: User; user: User };

/** The fingerprint the replay server sets; every message of such a session is labelled as a demo. */
export const REPLAY_FINGERPRINT = "codemem-replay";

/**
 * One turn of a thread's session: feeds the input to the model and runs its meta-tool calls
 * (src/agent/meta-tools.ts) until it answers in text, waits for a click, or reaches the step budget.
 * Clicks on proposals and schedule offers are answered in src/agent/approval.ts. The caller saves the
 * state after.
 */
export class AgentTurn {
  private readonly turn: TurnContext;

  constructor(
    private readonly deps: AgentDeps,
    private readonly session: SessionState,
    /** Called after every step so a crash loses at most one step. */
    private readonly checkpoint: () => Promise<void>,
  ) {
    this.turn = { deps, session, voice: new ThreadVoice(deps.surface, session, deps.policy.namedApprovers ?? []) };
  }

  private get voice(): ThreadVoice {
    return this.turn.voice;
  }

  /** Who this turn answers: a notice about a limit goes to them. */
  private actor: User | undefined;

  async run(input: TurnInput): Promise<void> {
    this.deps.metrics?.agentTurns.inc();
    this.actor = input.user;
    if (input.kind === "people") return this.people(input);
    if (input.kind === "import") return importSkill(this.turn, input, this.checkpoint);
    const proceed = input.kind === "click" ? await this.click(input) : await this.message(input);
    if (!proceed) return;
    this.session.status = "working";
    try {
      await this.steps();
    } finally {
      await this.voice.status("");
    }
  }

  /** Invite or hand over, checked again under the thread's lock: only the requester or an approver. */
  private async people(input: Extract<TurnInput, { kind: "people" }>): Promise<void> {
    const session = this.session;
    const { requester } = session;
    if (!(await this.deps.policy.mayAnswer({ requester }, input.user)).allowed) {
      await this.voice.notice(
        input.user,
        `Only ${displayName(requester)} or an approver can change who is in this session.`,
      );
      return;
    }
    const others = (session.guests ?? []).filter((guest) => userKey(guest) !== userKey(input.person));
    if (input.change === "invite") session.guests = [...others, input.person];
    else if (userKey(input.person) !== userKey(requester)) {
      session.guests = [...others, requester];
      session.requester = input.person;
    }
    await this.deps.audit?.append({
      action: input.change,
      who: userKey(input.user),
      thread: threadKey(session.thread),
      detail: userKey(input.person),
    });
  }

  /** A mention or a reply; false when there is nothing for the model to do. */
  private async message(input: Extract<TurnInput, { kind: "mention" | "reply" }>): Promise<boolean> {
    const session = this.session;
    // Checked again here, under the thread's lock: Bot.onMessage refused it at once with a notice.
    if (!(await this.deps.policy.mayTalk(session, input.user)).allowed) return false;
    const pending = session.pending;
    if (pending?.kind === "reject_reason") {
      session.messages.push({
        role: "tool",
        tool_call_id: pending.toolCallId,
        content: `Rejected by ${displayName(input.user)}. Reason: "${input.text}". Revise the skill and propose it again.`,
      });
      session.pending = undefined;
      return true;
    }
    // The schedule offer does not hold the thread: a new task simply leaves it unanswered.
    if (pending?.kind === "schedule") session.pending = undefined;
    else if (pending !== undefined) {
      await this.voice.notice(input.user, "I'm waiting for an answer to my last question (use its buttons).");
      return false;
    }
    if (input.kind === "reply") return false;
    session.messages.push({ role: "user", content: `${displayName(input.user)}: ${input.text}` });
    return true;
  }

  /** A click, checked again here under the thread's lock (Bot.onAction checked it at once). */
  private async click(input: Extract<TurnInput, { kind: "click" }>): Promise<boolean> {
    const { session, voice } = this;
    const pending = session.pending;
    if (pending === undefined || pending.id !== input.pendingId || !pending.choices.includes(input.choice)) {
      // A click accepted at once but answered by someone else first showed "working…": put it right.
      const answered = session.answered;
      if (answered?.pendingId === input.pendingId) await this.deps.surface.update(answered.ref, answered.message);
      await voice.notice(input.user, "That was already answered; nothing changed.");
      return false;
    }
    const decision = await this.deps.policy.mayAnswer(session, input.user);
    if (!decision.allowed) {
      await voice.post({ blocks: [decision.refusal] }, input.user);
      return false;
    }
    switch (pending.kind) {
      case "question":
        await voice.markAnswered(pending, { label: input.choice, by: input.user });
        session.messages.push({
          role: "tool",
          tool_call_id: pending.toolCallId,
          content: `${displayName(input.user)} chose: "${input.choice}"`,
        });
        if (pending.purpose !== undefined) session.askedAbout.push(pending.purpose);
        session.pending = undefined;
        return true;
      case "proposal":
        if (input.choice === "approve") await approve(this.turn, pending, input.user);
        else await reject(this.turn, pending, input.user);
        return false;
      case "schedule":
        await answerSchedule(this.turn, pending, input.choice, input.user);
        return false;
      case "reject_reason":
        // It has no choices, so no click reaches here.
        return false;
    }
  }

  private async steps(): Promise<void> {
    const { deps, session } = this;
    const tools = metaToolDefinitions();
    const payer = userKey(session.requester);
    for (let step = 0; step < deps.limits.stepsPerTurn; step++) {
      const hit = await deps.quotas?.mayCallModel(payer);
      if (hit !== undefined) {
        session.status = "idle";
        await this.voice.notice(
          this.actor ?? session.requester,
          `${hit.line} The session is kept: mention me then to go on.`,
        );
        await this.checkpoint();
        return;
      }
      await this.voice.status("is thinking…");
      const response = await deps.model.chat.completions.create({
        model: deps.modelName,
        messages: buildPrompt(deps, session),
        tools,
      });
      await deps.quotas?.chargeModel(
        payer,
        (response.usage?.prompt_tokens ?? 0) + (response.usage?.completion_tokens ?? 0),
      );
      session.usage.modelCalls++;
      session.usage.promptTokens += response.usage?.prompt_tokens ?? 0;
      session.usage.completionTokens += response.usage?.completion_tokens ?? 0;
      deps.metrics?.modelCalls.inc();
      deps.metrics?.modelTokens.inc({ kind: "prompt" }, response.usage?.prompt_tokens ?? 0);
      deps.metrics?.modelTokens.inc({ kind: "completion" }, response.usage?.completion_tokens ?? 0);
      if (response.system_fingerprint === REPLAY_FINGERPRINT) session.demo = true;
      const message = response.choices[0]?.message;
      if (message === undefined) throw new Error("the model returned no choice");
      const calls = (message.tool_calls ?? []).filter(
        (call): call is ChatCompletionMessageFunctionToolCall => call.type === "function",
      );
      session.messages.push({
        role: "assistant",
        content: message.content ?? null,
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      } as ChatCompletionMessageParam);
      if (message.content) await this.voice.say(message.content);
      if (calls.length === 0) {
        session.status = "idle";
        await this.checkpoint();
        return;
      }
      let waiting = false;
      for (const call of calls) {
        if (waiting) {
          session.messages.push({
            role: "tool",
            tool_call_id: call.id,
            content: "not run: waiting for the user's answer first",
          });
          continue;
        }
        const outcome = await this.dispatch(call);
        if ("suspend" in outcome) {
          session.pending = { ...outcome.suspend, toolCallId: call.id };
          session.status = "waiting";
          waiting = true;
        } else {
          session.messages.push({ role: "tool", tool_call_id: call.id, content: outcome.content });
        }
      }
      await this.checkpoint();
      if (waiting) return;
    }
    session.status = "idle";
    await this.voice.say(
      `I stopped after ${deps.limits.stepsPerTurn} steps in this turn without finishing. The session is kept: mention me to continue, or rephrase the task.`,
    );
    await this.checkpoint();
  }

  private async dispatch(call: ChatCompletionMessageFunctionToolCall): Promise<ToolOutcome> {
    const tool = metaTool(call.function.name);
    if (tool === undefined) return { content: unknownToolAnswer(call.function.name) };
    if (tool.status !== undefined) await this.voice.status(tool.status);
    let args: unknown;
    try {
      args = call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
    } catch {
      return { content: `error: META_TOOL_BAD_ARGS: ${call.function.name} arguments are not JSON` };
    }
    try {
      return await tool.handle(args, this.turn);
    } catch (error) {
      const coded = asCodedError(error);
      // Our own bugs and dead servers surface in the thread too; the model may recover from them.
      return { content: `error: ${coded.code}: ${coded.message}` };
    }
  }
}
