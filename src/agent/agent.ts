import { randomUUID } from "node:crypto";
import type { ChatCompletionMessageFunctionToolCall, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { asCodedError } from "../errors.ts";
import { lineDiff } from "../skills/diff.ts";
import type { Button, UiBlock, UiMessage } from "../ui/message.ts";
import type { MessageRef } from "../ui/surface.ts";
import { parseArgs } from "./args.ts";
import type { AgentDeps } from "./deps.ts";
import { executeCode } from "./probe.ts";
import { agentToolDefinitions, askUserArgs, buildPrompt, writeTodosArgs } from "./prompt.ts";
import { checkProposal, dryRunPreview } from "./proposal.ts";
import type { PendingInput, SessionState } from "./session.ts";

export type TurnInput =
  | { kind: "mention"; text: string; user: string }
  | { kind: "click"; pendingId: string; choice: string; user: string }
  | { kind: "reply"; text: string; user: string };

/** What a meta-tool did: its answer to the model, or a wait for a person. */
type ToolOutcome = { content: string } | { suspend: Omit<PendingInput, "toolCallId"> };

/** The fingerprint the replay server sets; every message of such a session is labelled as a demo. */
export const REPLAY_FINGERPRINT = "codemem-replay";

/**
 * One turn of a thread's session: feeds the input to the model and runs its meta-tool calls until it
 * answers in text, waits for a click, or reaches the step budget. The caller saves the state after.
 */
export class AgentTurn {
  constructor(
    private readonly deps: AgentDeps,
    private readonly session: SessionState,
    /** Called after every step so a crash loses at most one step. */
    private readonly checkpoint: () => Promise<void>,
  ) {}

  async run(input: TurnInput): Promise<void> {
    const proceed = await this.accept(input);
    if (!proceed) return;
    this.session.status = "working";
    await this.loop();
  }

  /** Applies the input to the state; false when there is nothing for the model to do. */
  private async accept(input: TurnInput): Promise<boolean> {
    const session = this.session;
    if (input.kind === "mention" || input.kind === "reply") {
      const pending = session.pending;
      if (pending?.kind === "reject_reason") {
        if (!this.mayAnswer(input.user)) return false;
        session.messages.push({ role: "tool", tool_call_id: pending.toolCallId, content: `Rejected by ${input.user}. Reason: "${input.text}". Revise the skill and propose it again.` });
        session.pending = undefined;
        return true;
      }
      if (pending !== undefined) {
        await this.say(`I'm waiting for an answer to my last question (use its buttons).`);
        return false;
      }
      session.messages.push({ role: "user", content: `${input.user}: ${input.text}` });
      return true;
    }
    const pending = session.pending;
    if (pending === undefined || pending.id !== input.pendingId || !pending.choices.includes(input.choice)) {
      await this.say("That was already answered; nothing changed.");
      return false;
    }
    if (!this.mayAnswer(input.user)) {
      await this.say(`Only ${session.requester}${this.deps.approvers.length > 0 ? ` or an approver (${this.deps.approvers.join(", ")})` : ""} can answer this.`);
      return false;
    }
    if (pending.kind === "question") {
      await this.markAnswered(pending, `${input.choice} (by ${input.user})`);
      session.messages.push({ role: "tool", tool_call_id: pending.toolCallId, content: `${input.user} chose: "${input.choice}"` });
      if (pending.purpose !== undefined) session.askedAbout.push(pending.purpose);
      session.pending = undefined;
      return true;
    }
    if (pending.kind === "proposal" && pending.proposal !== undefined) {
      if (input.choice === "approve") {
        const record = await this.deps.skills.save({ ...pending.proposal, author: session.requester, approver: input.user });
        await this.markAnswered(pending, `Approved by ${input.user}`);
        session.messages.push({ role: "tool", tool_call_id: pending.toolCallId, content: `Approved by ${input.user}; saved as ${record.name} v${record.version}.` });
        session.pending = undefined;
        session.status = "done";
        session.approvedSkill = record.name;
        const writes = record.tools.filter((tool) => tool.access !== "read-only").map((tool) => tool.id);
        const previous = record.version > 1 ? await this.deps.skills.version(record.name, record.version - 1) : undefined;
        await this.say(
          `Saved skill \`${record.name}\` v${record.version} (approved by ${input.user}). It reads with ${record.tools.filter((t) => t.access === "read-only").map((t) => t.id).join(", ") || "nothing"}${writes.length > 0 ? ` and writes with ${writes.join(", ")}` : ""}${record.memory ? ", skipping items already in its dedup memory" : ""}. It is stored as procedural memory, version ${record.version}.`,
        );
        if (previous !== undefined) {
          await this.post({ blocks: [{ type: "code", language: "diff", title: `What changed since v${previous.version}`, source: lineDiff(previous.code, record.code), collapsed: true }] });
        }
        return false;
      }
      await this.markAnswered(pending, `Rejected by ${input.user}`);
      session.pending = { ...pending, id: randomUUID(), kind: "reject_reason", choices: [] };
      await this.say(`What should change? Reply in this thread and I'll revise the skill.`);
      return false;
    }
    return false;
  }

  private async loop(): Promise<void> {
    const { deps, session } = this;
    const tools = agentToolDefinitions();
    for (let step = 0; step < deps.limits.stepsPerTurn; step++) {
      const response = await deps.model.chat.completions.create({ model: deps.modelName, messages: buildPrompt(deps, session), tools });
      session.usage.modelCalls++;
      session.usage.promptTokens += response.usage?.prompt_tokens ?? 0;
      session.usage.completionTokens += response.usage?.completion_tokens ?? 0;
      if (response.system_fingerprint === REPLAY_FINGERPRINT) session.demo = true;
      const message = response.choices[0]?.message;
      if (message === undefined) throw new Error("the model returned no choice");
      const calls = (message.tool_calls ?? []).filter((call): call is ChatCompletionMessageFunctionToolCall => call.type === "function");
      session.messages.push({ role: "assistant", content: message.content ?? null, ...(calls.length > 0 ? { tool_calls: calls } : {}) } as ChatCompletionMessageParam);
      if (message.content) await this.say(message.content);
      if (calls.length === 0) {
        session.status = "idle";
        await this.checkpoint();
        return;
      }
      let waiting = false;
      for (const call of calls) {
        if (waiting) {
          session.messages.push({ role: "tool", tool_call_id: call.id, content: "not run: waiting for the user's answer first" });
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
    await this.say(`I stopped after ${deps.limits.stepsPerTurn} steps in this turn without finishing. The session is kept: mention me to continue, or rephrase the task.`);
    await this.checkpoint();
  }

  private async dispatch(call: ChatCompletionMessageFunctionToolCall): Promise<ToolOutcome> {
    let args: unknown;
    try {
      args = call.function.arguments.trim() === "" ? {} : JSON.parse(call.function.arguments);
    } catch {
      return { content: `error: META_TOOL_BAD_ARGS: ${call.function.name} arguments are not JSON` };
    }
    try {
      return await this.meta(call.function.name, args);
    } catch (error) {
      const coded = asCodedError(error);
      // Our own bugs and dead servers surface in the thread too; the model may recover from them.
      return { content: `error: ${coded.code}: ${coded.message}` };
    }
  }

  private async meta(name: string, args: unknown): Promise<ToolOutcome> {
    const { deps, session } = this;
    switch (name) {
      case "search_functions":
        return { content: JSON.stringify(await deps.discovery.searchFunctions(args)) };
      case "load_functions": {
        const result = deps.discovery.loadFunctions(args, session.loaded, new Map(Object.entries(session.locks)));
        session.loaded.push(...result.loaded);
        return { content: JSON.stringify(result) };
      }
      case "write_todos": {
        const { todos } = parseArgs(writeTodosArgs, args, "write_todos");
        session.todos = todos;
        const message: UiMessage = { blocks: [{ type: "todos", items: todos }] };
        if (session.todoMessage) await this.update(session.todoMessage, message);
        else session.todoMessage = await this.post(message);
        return { content: `todo list saved (${todos.filter((t) => t.status === "completed").length}/${todos.length} done)` };
      }
      case "execute_code": {
        const probe = await executeCode(deps, session, args);
        await this.post({ blocks: probe.blocks });
        return { content: probe.content };
      }
      case "ask_user": {
        const ask = parseArgs(askUserArgs, args, "ask_user");
        const id = randomUUID();
        const buttons: Button[] = ask.options.map((option, index) => ({ label: option, value: { sessionId: session.id, pendingId: id, choice: option }, style: index === 0 ? "primary" : undefined }));
        const messageRef = await this.post({ blocks: [{ type: "question", prompt: ask.question, buttons }] });
        return { suspend: { id, kind: "question", choices: ask.options, messageRef, purpose: ask.purpose } };
      }
      case "propose_skill": {
        const { proposal, dryRun } = await checkProposal(deps, session, args);
        const id = randomUUID();
        const button = (label: string, choice: string, style: Button["style"]): Button => ({ label, value: { sessionId: session.id, pendingId: id, choice }, style });
        const block: UiBlock = {
          type: "proposal",
          name: proposal.name,
          description: proposal.description,
          params: proposal.params,
          code: proposal.code,
          preview: dryRunPreview(dryRun),
          tools: proposal.tools.map((tool) => ({ id: tool.id, access: tool.access })),
          buttons: [button("Approve", "approve", "primary"), button("Reject", "reject", "danger")],
        };
        const messageRef = await this.post({ blocks: [block] });
        return { suspend: { id, kind: "proposal", choices: ["approve", "reject"], messageRef, proposal, preview: block.preview } };
      }
      default:
        return { content: `error: UNKNOWN_TOOL: there is no meta-tool ${name}; use search_functions, load_functions, write_todos, execute_code, ask_user or propose_skill` };
    }
  }

  private mayAnswer(user: string): boolean {
    return user === this.session.requester || this.deps.approvers.includes(user);
  }

  private async markAnswered(pending: PendingInput, answer: string): Promise<void> {
    if (pending.messageRef === undefined) return;
    const blocks: UiBlock[] = [];
    if (pending.kind === "question") {
      blocks.push({ type: "question", prompt: this.lastPrompt(pending) ?? "", buttons: [], answered: answer });
    } else if (pending.proposal !== undefined) {
      const p = pending.proposal;
      blocks.push({ type: "proposal", name: p.name, description: p.description, params: p.params, code: p.code, preview: pending.preview ?? "", tools: p.tools.map((t) => ({ id: t.id, access: t.access })), buttons: [], answered: answer });
    }
    await this.update(pending.messageRef, { blocks });
  }

  private lastPrompt(pending: PendingInput): string | undefined {
    for (let i = this.session.messages.length - 1; i >= 0; i--) {
      const message = this.session.messages[i];
      if (message?.role !== "assistant" || !("tool_calls" in message)) continue;
      const call = message.tool_calls?.find((c) => c.id === pending.toolCallId);
      if (call && call.type === "function") return (JSON.parse(call.function.arguments) as { question?: string }).question;
    }
    return undefined;
  }

  private post(message: UiMessage): Promise<MessageRef> {
    return this.deps.surface.post(this.session.thread, this.label(message));
  }

  private update(ref: MessageRef, message: UiMessage): Promise<void> {
    return this.deps.surface.update(ref, this.label(message));
  }

  private async say(textValue: string): Promise<void> {
    await this.post({ blocks: [{ type: "text", text: textValue }] });
  }

  private label(message: UiMessage): UiMessage {
    return this.session.demo ? { ...message, demo: true } : message;
  }
}
