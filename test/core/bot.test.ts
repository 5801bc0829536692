import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SessionKeys } from "../../src/agent/keys.ts";
import { newSession, sessionIdFor } from "../../src/agent/session.ts";
import { startApp, type App } from "../../src/compose/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { REPLAY_TASK } from "../../src/demo/replay-script.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import type { Button, UiMessage } from "../../src/ui/message.ts";
import { renderText } from "../../src/ui/render-text.ts";
import type { ThreadRef } from "../../src/ui/surface.ts";
import type { User } from "../../src/ui/user.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { captureLog } from "../helpers/log.ts";

/** A platform that keeps what it was sent, as a chat would show it. */
class ShownOutbound implements OutboundAdapter {
  readonly platform = "test";
  readonly limits = { textChars: 50_000, blocks: 100, updateIntervalMs: 50, ephemeral: true };
  readonly shown = new Map<string, { message: UiMessage; visibleTo?: string | undefined; thread: string }>();
  private next = 1;

  async post(
    target: DeliveryTarget,
    message: UiMessage,
    options: { visibleTo?: User | undefined },
  ): Promise<PostedRef> {
    const id = String(this.next++);
    const thread = target.thread ?? id;
    this.shown.set(id, { message, visibleTo: options.visibleTo?.id, thread });
    return { id, thread };
  }

  async update(_target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    const entry = this.shown.get(id);
    if (entry !== undefined) entry.message = message;
  }

  buttons(type: "question" | "proposal"): Button[] {
    const blocks = [...this.shown.values()].flatMap((entry) => entry.message.blocks);
    const block = blocks.filter((b) => b.type === type && b.buttons.length > 0).at(-1);
    return block?.type === type ? block.buttons : [];
  }

  publicText(): string {
    return [...this.shown.values()]
      .filter((entry) => entry.visibleTo === undefined)
      .map((entry) => renderText(entry.message))
      .join("\n");
  }
}

const person = (id: string): User => ({ platform: "test", id, name: id });

describe("Bot, driven as two people", () => {
  const home = tempStateDir("codemem-bot-");
  const outbound = new ShownOutbound();
  const log = captureLog({ level: "debug" });
  const prefix = `bot${process.pid}x${Date.now().toString(36)}`;
  let app: App;
  beforeAll(async () => {
    const config = loadConfig({
      env: {
        REDIS_URL: inject("redisUrl"),
        CODEMEM_HOME: join(home.dir, ".codemem"),
        CODEMEM_PREFIX: prefix,
        CODEMEM_SEMANTIC: "off",
      },
      cwd: home.dir,
    });
    app = await startApp({ config, adapters: [() => ({ outbound })], log: log.logger });
  });
  afterAll(async () => {
    await app?.close();
    home.cleanup();
  });

  it("should refuse a stranger's click without swallowing the requester's, and run the skill on Approve", async () => {
    const thread: ThreadRef = { platform: "test", channel: "c", thread: "t1" };
    const mention = {
      thread,
      user: person("alice"),
      text: `@codemem ${REPLAY_TASK}`,
      mentioned: true,
      eventId: "ev-1",
    };
    await app.bot.onMessage(mention);
    // The same event delivered again (a platform retry) starts nothing twice.
    await app.bot.onMessage(mention);
    await waitFor(() => outbound.buttons("question").length > 0, 60_000);
    const memory = outbound.buttons("question")[0]!;
    expect((await app.bot.onAction({ user: person("mallory"), value: memory.value })).kind).toBe("refused");
    expect((await app.bot.onAction({ user: person("alice"), value: memory.value })).kind).toBe("accepted");

    await waitFor(() => outbound.buttons("proposal").length > 0, 60_000);
    const approve = outbound.buttons("proposal").find((button) => button.value.choice === "approve")!;
    const refused = await app.bot.onAction({ user: person("mallory"), value: approve.value });
    expect(refused.kind !== "accepted" && renderText(refused.notice)).toBe("Only @alice can answer this.");
    expect((await app.bot.onAction({ user: person("alice"), value: approve.value })).kind).toBe("accepted");
    await waitFor(() => /Run r\w+ of archive-attachments v2 finished/.test(outbound.publicText()), 60_000);
    expect((await app.skills.latest("archive-attachments"))?.approver).toBe("test:alice");
    expect(outbound.publicText()).not.toContain("Only @alice");
    // One session, one model run of 7 calls: the retried event added no second turn.
    const session = await app.sessions.load(sessionIdFor(thread));
    expect(session?.usage.modelCalls).toBe(7);

    // The log follows the thread, the session and the run by their ids, one JSON line per event.
    const runId = /Run (r\w+) of archive-attachments v2 finished/.exec(outbound.publicText())?.[1];
    const lines = log.lines();
    expect(lines.filter((line) => line.msg === "agent turn")).toContainEqual(
      expect.objectContaining({
        session: sessionIdFor(thread),
        thread: "test/c/t1",
        platform: "test",
        kind: "mention",
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "run listed its items", run: runId, skill: "archive-attachments", version: 2 }),
    );
    const items = lines.filter((line) => line.msg === "item done" && line.run === runId);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((line) => typeof line.item === "string" && line.skill === "archive-attachments")).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "run finished", run: runId, status: "completed", failed: 0, done: items.length }),
    );
  }, 120_000);

  it("should open a thread for a run started by a command typed in a channel, and keep its progress there", async () => {
    const channel: ThreadRef = { platform: "test", channel: "general" };
    const before = outbound.shown.size;
    const slash = { thread: channel, user: person("bob"), text: '/codemem run archive-attachments {"days": 2}' };
    await app.bot.onMessage({ ...slash, mentioned: false, eventId: "slash-1" });
    const finished = /Run r\w+ of archive-attachments v2 finished/;
    await waitFor(
      () => [...outbound.shown.values()].slice(before).some((entry) => finished.test(renderText(entry.message))),
      60_000,
    );
    // The progress message's last update may land just after the summary (each is its own delivery).
    const ran = /Ran archive-attachments v2 \(run r\w+\) for @bob/;
    await waitFor(
      () => [...outbound.shown.values()].slice(before).some((entry) => ran.test(renderText(entry.message))),
      10_000,
    );
    const posts = [...outbound.shown.entries()].slice(before);
    const progress = posts.find(([, entry]) => ran.test(renderText(entry.message)));
    const summary = posts.find(([, entry]) => finished.test(renderText(entry.message)));
    // The first public post (the progress message) opened the thread; the summary is a reply in it.
    expect(progress?.[1].thread).toBe(progress?.[0]);
    expect(summary?.[1].thread).toBe(progress?.[0]);
    // The "Started …" answer went to bob alone.
    expect(renderText(posts.find(([, entry]) => entry.visibleTo === "bob")?.[1].message ?? { blocks: [] })).toMatch(
      /^Started archive-attachments v2 as run r\w+/,
    );
  }, 90_000);

  it("should answer in one line, to the clicker and in the thread, when a session was saved by a newer codemem", async () => {
    const thread: ThreadRef = { platform: "test", channel: "c", thread: "t-newer" };
    const sessionId = sessionIdFor(thread);
    // A newer release wrote this session (a rolling upgrade), in a format this one does not read.
    const future = { ...newSession(sessionId, thread, person("alice")), format: 2, pending: { id: "p1" } };
    await app.redis.set(new SessionKeys(prefix).session(sessionId), JSON.stringify(future));
    const click = await app.bot.onAction({
      user: person("alice"),
      value: { sessionId, pendingId: "p1", choice: "Archive" },
    });
    expect(click.kind).toBe("stale");
    expect(click.kind !== "accepted" && renderText(click.notice)).toBe(
      `Session ${sessionId} cannot be read: it was saved by a newer codemem (format 2; this one reads up to 1); mention me in a new thread.`,
    );
    // Bob's reply in the thread is nobody's answer: nothing queued for it.
    await app.bot.onMessage({ thread, user: person("bob"), text: "sure", mentioned: false, eventId: "newer-reply" });
    await app.bot.onMessage({
      thread,
      user: person("alice"),
      text: "@codemem go on",
      mentioned: true,
      eventId: "newer-1",
    });
    const said = `I cannot go on here: session ${sessionId} cannot be read: it was saved by a newer codemem`;
    await waitFor(() => outbound.publicText().includes(said), 30_000);
    // The stored session is left as the newer release wrote it.
    expect(JSON.parse((await app.redis.get(new SessionKeys(prefix).session(sessionId))) as string).format).toBe(2);
    expect(log.lines()).toContainEqual(
      expect.objectContaining({ msg: "a session could not be read", session: sessionId, thread: "test/c/t-newer" }),
    );
  }, 60_000);
});
