import { randomUUID } from "node:crypto";
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { asCodedError } from "../errors.ts";
import { loadResultText, searchResultText } from "../discovery/model-text.ts";
import { lineDiff } from "../skills/diff.ts";
import { answeredMessage, code, rich, type Answer, type Button, type UiBlock, type UiMessage } from "../ui/message.ts";
import { type MessageRef, threadKey } from "../ui/surface.ts";
import { displayName, userKey, type User } from "../ui/user.ts";
import { parseArgs } from "./args.ts";
import type { AgentDeps } from "./deps.ts";
import { executeCode } from "./probe.ts";
import { agentToolDefinitions, askUserArgs, buildPrompt, writeTodosArgs } from "./prompt.ts";
import { checkProposal, dryRunPreview } from "./proposal.ts";
import type { PendingInput, ProposedSkill, SessionState } from "./session.ts";

export type TurnInput =
  | { kind: "mention"; text: string; user: User }
  | { kind: "click"; pendingId: string; choice: string; user: User }
  | { kind: "reply"; text: string; user: User };

/** What a meta-tool did: its answer to the model, or a wait for a person. */
type ToolOutcome = { content: string } | { suspend: Omit<PendingInput, "toolCallId"> };

/** The fingerprint the replay server sets; every message of such a session is labelled as a demo. */
export const REPLAY_FINGERPRINT = "codemem-replay";

/** The thread's status line while a meta-tool runs (where the platform shows one). */
const STATUS_OF: Readonly<Record<string, string>> = {
  search_functions: "is searching the tool registry…",
  load_functions: "is loading tools…",
  execute_code: "is probing the tools in the sandbox…",
  propose_skill: "is trying the skill on a sample…",
};

/** Cadences offered after Approve (UTC); "custom" explains the command, "none" declines. */
export const SCHEDULE_CHOICES: readonly { label: string; cron: string }[] = [
  { label: "Weekdays 08:00 UTC", cron: "0 8 * * 1-5" },
  { label: "Daily 08:00 UTC", cron: "0 8 * * *" },
  { label: "Hourly", cron: "0 * * * *" },
];

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
    this.deps.metrics?.agentTurns.inc();
    const proceed = input.kind === "click" ? await this.click(input) : await this.message(input);
    if (!proceed) return;
    this.session.status = "working";
    await this.loop();
  }

  /** A mention or a reply; false when there is nothing for the model to do. */
  private async message(input: Extract<TurnInput, { kind: "mention" | "reply" }>): Promise<boolean> {
    const session = this.session;
    const pending = session.pending;
    if (pending?.kind === "reject_reason") {
      if (!(await this.deps.policy.mayAnswer(session.requester, input.user)).allowed) return false;
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
      await this.notice(input.user, "I'm waiting for an answer to my last question (use its buttons).");
      return false;
    }
    if (input.kind === "reply") return false;
    session.messages.push({ role: "user", content: `${displayName(input.user)}: ${input.text}` });
    return true;
  }

  /** A click, checked again here under the thread's lock (Bot.onAction checked it at once). */
  private async click(input: Extract<TurnInput, { kind: "click" }>): Promise<boolean> {
    const session = this.session;
    const pending = session.pending;
    if (pending === undefined || pending.id !== input.pendingId || !pending.choices.includes(input.choice)) {
      // A click accepted at once but answered by someone else first showed "working…": put it right.
      const answered = session.answered;
      if (answered?.pendingId === input.pendingId) await this.deps.surface.update(answered.ref, answered.message);
      await this.notice(input.user, "That was already answered; nothing changed.");
      return false;
    }
    const decision = await this.deps.policy.mayAnswer(session.requester, input.user);
    if (!decision.allowed) {
      await this.post({ blocks: [decision.refusal] }, input.user);
      return false;
    }
    switch (pending.kind) {
      case "question": {
        await this.markAnswered(pending, { label: input.choice, by: input.user });
        session.messages.push({
          role: "tool",
          tool_call_id: pending.toolCallId,
          content: `${displayName(input.user)} chose: "${input.choice}"`,
        });
        if (pending.purpose !== undefined) session.askedAbout.push(pending.purpose);
        session.pending = undefined;
        return true;
      }
      case "proposal":
        if (pending.proposal === undefined) return false;
        if (input.choice === "approve") await this.approve(pending, pending.proposal, input.user);
        else {
          await this.markAnswered(pending, { label: "Rejected", by: input.user });
          await this.deps.audit?.append({
            action: "reject",
            who: userKey(input.user),
            skill: pending.proposal.name,
            thread: threadKey(session.thread),
          });
          session.pending = { ...pending, id: randomUUID(), kind: "reject_reason", choices: [] };
          await this.say("What should change? Reply in this thread and I'll revise the skill.");
        }
        return false;
      case "schedule":
        await this.schedule(pending, input.choice, input.user);
        return false;
      default:
        return false;
    }
  }

  /** Saves the version, runs it with the dry run's values in this thread, then offers a schedule. */
  private async approve(pending: PendingInput, proposal: ProposedSkill, user: User): Promise<void> {
    const { deps, session } = this;
    const record = await deps.skills.save({ ...proposal, author: userKey(session.requester), approver: userKey(user) });
    await deps.audit?.append({
      action: "approve",
      who: userKey(user),
      skill: record.name,
      version: record.version,
      thread: threadKey(session.thread),
    });
    await this.markAnswered(pending, { label: "Approved", by: user });
    session.messages.push({
      role: "tool",
      tool_call_id: pending.toolCallId,
      content: `Approved by ${displayName(user)}; saved as ${record.name} v${record.version}.`,
    });
    session.pending = undefined;
    session.status = "done";
    session.approvedSkill = record.name;
    const reads = record.tools.filter((t) => t.access === "read-only").map((t) => t.id);
    const writes = record.tools.filter((tool) => tool.access !== "read-only").map((tool) => tool.id);
    await this.post({
      blocks: [
        rich("Saved skill ", code(record.name), ` v${record.version}, approved by `, user, "."),
        {
          type: "fields",
          fields: [
            { label: "Reads with", value: reads.join(", ") || "nothing" },
            ...(writes.length > 0 ? [{ label: "Writes with", value: writes.join(", ") }] : []),
            { label: "Dedup memory", value: record.memory ? "yes: re-runs skip items already done" : "no" },
          ],
        },
      ],
    });
    const previous = record.version > 1 ? await deps.skills.version(record.name, record.version - 1) : undefined;
    if (previous !== undefined) {
      await this.post({
        blocks: [
          {
            type: "code",
            language: "diff",
            title: `What changed since v${previous.version}`,
            source: lineDiff(previous.code, record.code),
            collapsed: true,
          },
        ],
      });
    }
    if (deps.launcher === undefined) return;
    try {
      await deps.launcher.run({
        skill: record.name,
        version: record.version,
        params: proposal.sampleParams,
        requester: userKey(session.requester),
        thread: session.thread,
      });
    } catch (error) {
      const coded = asCodedError(error);
      await this.say(`The skill is saved, but its first run did not start (${coded.code}: ${coded.message}).`);
      return;
    }
    const id = randomUUID();
    const buttons: Button[] = [
      ...SCHEDULE_CHOICES.map((choice, index) => ({
        label: choice.label,
        value: { sessionId: session.id, pendingId: id, choice: choice.cron },
        style: index === 0 ? ("primary" as const) : undefined,
      })),
      { label: "Custom…", value: { sessionId: session.id, pendingId: id, choice: "custom" } },
      { label: "No schedule", value: { sessionId: session.id, pendingId: id, choice: "none" } },
    ];
    const message: UiMessage = {
      blocks: [{ type: "question", prompt: `Run ${record.name} on a schedule too, with the same values?`, buttons }],
    };
    const messageRef = await this.post(message);
    session.pending = {
      id,
      kind: "schedule",
      toolCallId: pending.toolCallId,
      choices: buttons.map((button) => button.value.choice),
      messageRef,
      message: this.label(message),
      schedule: { skill: record.name, params: proposal.sampleParams },
    };
  }

  private async schedule(pending: PendingInput, choice: string, user: User): Promise<void> {
    const { deps, session } = this;
    const target = pending.schedule;
    if (target === undefined || deps.launcher === undefined) return;
    const label = SCHEDULE_CHOICES.find((option) => option.cron === choice)?.label;
    session.pending = undefined;
    if (choice === "none") {
      await this.markAnswered(pending, { label: "No schedule", by: user });
      return;
    }
    if (label === undefined) {
      await this.markAnswered(pending, { label: "Custom schedule", by: user });
      await this.post(
        {
          blocks: [
            rich(
              "Type ",
              code(`/codemem schedule ${target.skill} "<cron>" [time zone] ${JSON.stringify(target.params)}`),
              ', e.g. "30 6 * * 1" Europe/Paris for Mondays at 6:30.',
            ),
          ],
        },
        user,
      );
      return;
    }
    try {
      const made = await deps.launcher.schedule({
        skill: target.skill,
        cron: choice,
        tz: "UTC",
        params: target.params,
        requester: userKey(user),
        thread: session.thread,
      });
      await this.markAnswered(pending, { label: `Scheduled: ${label}`, by: user });
      await this.post({
        blocks: [
          rich(
            `Scheduled ${target.skill} ${label.toLowerCase()} as `,
            code(made.id),
            `; next run ${made.next ?? "?"}. `,
            code(`/codemem unschedule ${made.id}`),
            " removes it.",
          ),
        ],
      });
    } catch (error) {
      const coded = asCodedError(error);
      session.pending = pending;
      await this.notice(user, `That schedule was not made (${coded.code}: ${coded.message}).`);
    }
  }

  private async loop(): Promise<void> {
    try {
      await this.steps();
    } finally {
      await this.status("");
    }
  }

  private async steps(): Promise<void> {
    const { deps, session } = this;
    const tools = agentToolDefinitions();
    for (let step = 0; step < deps.limits.stepsPerTurn; step++) {
      await this.status("is thinking…");
      const response = await deps.model.chat.completions.create({
        model: deps.modelName,
        messages: buildPrompt(deps, session),
        tools,
      });
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
      if (message.content) await this.say(message.content);
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
    await this.say(
      `I stopped after ${deps.limits.stepsPerTurn} steps in this turn without finishing. The session is kept: mention me to continue, or rephrase the task.`,
    );
    await this.checkpoint();
  }

  private async dispatch(call: ChatCompletionMessageFunctionToolCall): Promise<ToolOutcome> {
    const doing = STATUS_OF[call.function.name];
    if (doing !== undefined) await this.status(doing);
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
        return { content: searchResultText(await deps.discovery.searchFunctions(args), new Set(session.loaded)) };
      case "load_functions": {
        const result = deps.discovery.loadFunctions(args, session.loaded, new Map(Object.entries(session.locks)));
        session.loaded.push(...result.loaded);
        return { content: loadResultText(result) };
      }
      case "write_todos": {
        const { todos } = parseArgs(writeTodosArgs, args, "write_todos");
        session.todos = todos;
        const message: UiMessage = { blocks: [{ type: "todos", items: todos }] };
        if (session.todoMessage) await this.update(session.todoMessage, message);
        else session.todoMessage = await this.post(message);
        return {
          content: `todo list saved (${todos.filter((t) => t.status === "completed").length}/${todos.length} done)`,
        };
      }
      case "execute_code": {
        const probe = await executeCode(deps, session, args);
        await this.post({ blocks: probe.blocks });
        return { content: probe.content };
      }
      case "ask_user": {
        const ask = parseArgs(askUserArgs, args, "ask_user");
        const id = randomUUID();
        const buttons: Button[] = ask.options.map((option, index) => ({
          label: option,
          value: { sessionId: session.id, pendingId: id, choice: option },
          style: index === 0 ? "primary" : undefined,
        }));
        const message: UiMessage = { blocks: [{ type: "question", prompt: ask.question, buttons }] };
        const messageRef = await this.post(message);
        return {
          suspend: {
            id,
            kind: "question",
            choices: ask.options,
            messageRef,
            message: this.label(message),
            purpose: ask.purpose,
          },
        };
      }
      case "propose_skill": {
        const { proposal, dryRun } = await checkProposal(deps, session, args);
        const id = randomUUID();
        const button = (label: string, choice: string, style: Button["style"]): Button => ({
          label,
          value: { sessionId: session.id, pendingId: id, choice },
          style,
        });
        const writes = proposal.tools.filter((tool) => tool.access !== "read-only").map((tool) => tool.id);
        const approve = button("Approve", "approve", "primary");
        if (writes.length > 0) {
          approve.confirm = `Approving saves ${proposal.name} and runs it now with ${JSON.stringify(proposal.sampleParams)}; it writes with ${writes.join(", ")}.`;
        }
        const preview = dryRunPreview(dryRun);
        const block: UiBlock = {
          type: "proposal",
          name: proposal.name,
          description: proposal.description,
          params: proposal.params,
          sampleParams: proposal.sampleParams,
          code: proposal.code,
          preview,
          tools: proposal.tools.map((tool) => ({ id: tool.id, access: tool.access })),
          buttons: [approve, button("Reject", "reject", "danger")],
        };
        const message: UiMessage = { blocks: [block] };
        const messageRef = await this.post(message);
        return {
          suspend: {
            id,
            kind: "proposal",
            choices: ["approve", "reject"],
            messageRef,
            message: this.label(message),
            proposal,
            preview,
          },
        };
      }
      default:
        return {
          content: `error: UNKNOWN_TOOL: there is no meta-tool ${name}; use search_functions, load_functions, write_todos, execute_code, ask_user or propose_skill`,
        };
    }
  }

  private async markAnswered(pending: PendingInput, answer: Answer): Promise<void> {
    if (pending.messageRef === undefined || pending.message === undefined) return;
    const message = this.label(answeredMessage(pending.message, answer));
    this.session.answered = { pendingId: pending.id, ref: pending.messageRef, message };
    await this.update(pending.messageRef, message);
  }

  private post(message: UiMessage, visibleTo?: User): Promise<MessageRef> {
    return this.deps.surface.post(
      this.session.thread,
      this.label(message),
      visibleTo === undefined ? {} : { visibleTo },
    );
  }

  private update(ref: MessageRef, message: UiMessage): Promise<void> {
    return this.deps.surface.update(ref, this.label(message));
  }

  private async say(textValue: string): Promise<void> {
    await this.post({ blocks: [{ type: "text", text: textValue }] });
  }

  /** A line for one person only (refusals, stale clicks, "I'm waiting"). */
  private async notice(user: User, textValue: string): Promise<void> {
    await this.post({ blocks: [{ type: "text", text: textValue }] }, user);
  }

  /** What the bot is doing in the thread; a status line that fails is not worth failing the turn for. */
  private async status(text: string): Promise<void> {
    await this.deps.surface.status?.(this.session.thread, text).catch(() => {});
  }

  private label(message: UiMessage): UiMessage {
    return this.session.demo ? { ...message, demo: true } : message;
  }
}
