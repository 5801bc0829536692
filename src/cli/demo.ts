import { randomUUID } from "node:crypto";
import { sessionIdFor, type SessionState } from "../agent/session.ts";
import { REPLAY_TASK } from "../demo/replay-script.ts";
import { userError } from "../errors.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../ui/adapter.ts";
import type { UiMessage } from "../ui/message.ts";
import { renderText } from "../ui/render-text.ts";
import type { ThreadRef } from "../ui/surface.ts";
import type { User } from "../ui/user.ts";
import { startApp } from "../compose/app.ts";
import type { CliIo } from "./io.ts";

const DEMO_TIMEOUT_MS = 180_000;

/** Prints a thread as readable text: each message once, updates of the plan and progress again. */
class TerminalOutbound implements OutboundAdapter {
  readonly platform = "terminal";
  readonly limits = { textChars: 100_000, blocks: 100, updateIntervalMs: 500, ephemeral: false };
  /** Every post, as printed. */
  readonly printed: string[] = [];
  private next = 1;
  constructor(private readonly io: CliIo) {}

  async post(target: DeliveryTarget, message: UiMessage): Promise<PostedRef> {
    this.printed.push(renderText(message));
    this.io.out(`\ncodemem: ${indent(renderText(message))}`);
    return { id: String(this.next++), thread: target.thread ?? "demo" };
  }

  async update(_target: DeliveryTarget, _id: string, message: UiMessage): Promise<void> {
    if (message.blocks.some((block) => block.type === "todos" || block.type === "progress"))
      this.io.out(`\ncodemem (updated): ${indent(renderText(message))}`);
  }
}

const indent = (text: string) => text.replaceAll("\n", "\n  ");

/**
 * `codemem demo`: the replay of the paper's example (or the real model with OPENAI_API_KEY) through
 * the same core, in the terminal. Buttons are answered with their default choice, shown as such.
 * The last line is JSON with the figures.
 */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.length > 0)
    throw userError("USAGE", "usage: codemem demo (no arguments; set OPENAI_API_KEY to use a real model)");
  // A namespace of its own, so the demo's sessions and runs stay out of the Redis it may share.
  const config = io.config({ overrides: { prefix: `codemem-demo-${process.pid}` } });
  const started = performance.now();
  const terminal = new TerminalOutbound(io);
  const app = await startApp({
    config,
    adapters: [() => ({ outbound: terminal })],
    log: io.log(config),
  });
  const you: User = { platform: "terminal", id: "you" };
  let closed = false;
  try {
    const thread: ThreadRef = { platform: "terminal", channel: "demo", thread: randomUUID() };
    const sessionId = sessionIdFor(thread);
    io.out(`you: @codemem ${REPLAY_TASK}`);
    await app.bot.onMessage({ thread, user: you, text: REPLAY_TASK, mentioned: true });
    const deadline = Date.now() + DEMO_TIMEOUT_MS;
    let session: SessionState | undefined;
    for (;;) {
      session = await settled(app, sessionId, deadline);
      const pending = session.pending;
      if (session.status !== "waiting" || pending === undefined || pending.choices.length === 0) break;
      const choice = pending.kind === "proposal" ? "approve" : (pending.choices[0] as string);
      io.out(`\nyou: (clicking the default button) ${choice}`);
      await app.bot.onAction({ user: you, value: { sessionId, pendingId: pending.id, choice } });
    }
    // Approve started the skill's first run in the thread; show it to its summary.
    const runId = (await app.runtime.progress.recent(1))[0];
    while (runId !== undefined && (await app.runtime.status(runId))?.finishedAt === undefined) {
      if (Date.now() > deadline) throw userError("DEMO_TIMEOUT", "the demo's run did not finish in time");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    while (runId !== undefined && !terminal.printed.some((line) => line.includes(`Run ${runId} of`))) {
      if (Date.now() > deadline) throw userError("DEMO_TIMEOUT", "the demo's run summary was not delivered in time");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const summary = JSON.stringify({
      demo: "archive",
      model: app.modelKind,
      model_calls: session.usage.modelCalls,
      prompt_tokens: session.usage.promptTokens,
      seconds,
      skill: session.approvedSkill ?? null,
      approved: session.approvedSkill !== undefined,
    });
    // The deliverers stop first, so a late update of the progress message (a loaded machine) is
    // printed before the JSON line, never after it: the last line stays the summary.
    closed = true;
    await app.close();
    io.out(summary);
    return session.approvedSkill !== undefined ? 0 : 1;
  } finally {
    if (!closed) await app.close();
  }
}

/** Waits until the session's turn has run and no turn is queued. */
async function settled(
  app: Awaited<ReturnType<typeof startApp>>,
  sessionId: string,
  deadline: number,
): Promise<SessionState> {
  for (;;) {
    if (Date.now() > deadline) throw userError("DEMO_TIMEOUT", "the demo did not finish in time");
    const counts = await app.bot.queue.getJobCounts("active", "waiting", "delayed", "prioritized");
    const busy = Object.values(counts).some((n) => n > 0);
    const session = await app.sessions.load(sessionId);
    if (!busy && session !== undefined && session.status !== "working") return session;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
