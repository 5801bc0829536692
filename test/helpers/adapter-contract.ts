import { spawn } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { newSession, SessionStore } from "../../src/agent/session.ts";
import { startDeliverers } from "../../src/chat/deliverer.ts";
import { Outbox } from "../../src/chat/outbox.ts";
import { bullConnection, parseRedisUrl } from "../../src/redis/client.ts";
import { Bot } from "../../src/core/bot.ts";
import { Policy } from "../../src/core/policy.ts";
import { CodedError } from "../../src/errors.ts";
import { SkillStore } from "../../src/skills/store.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import { renderText } from "../../src/ui/render-text.ts";
import type { MessageRef, ThreadRef } from "../../src/ui/surface.ts";
import type { User } from "../../src/ui/user.ts";
import { waitFor } from "./demo.ts";
import { captureLog } from "./log.ts";
import { ChatKeys } from "../../src/chat/keys.ts";

/** What the contract needs of one platform: its real outbound adapter and a way to look at what it shows. */
export interface ContractPlatform {
  outbound: OutboundAdapter;
  /** A fresh thread on the platform. */
  thread(): ThreadRef;
  user(name: string): User;
  /** What the platform shows for one of its message ids: plain text and, for a private one, whom it is for. */
  read(target: DeliveryTarget, id: string): Promise<{ text: string; visibleTo?: string | undefined } | undefined>;
  close(): Promise<void>;
}

/** Counts what reaches the platform and answers 429 when told to, as a busy platform does. */
class MeteredOutbound implements OutboundAdapter {
  readonly platform: string;
  readonly limits: OutboundAdapter["limits"];
  posts = 0;
  updates = 0;
  rateLimitNext = 0;
  /** The next post fails for good (a channel that is gone). */
  goneNext = false;
  /** Plain text of every post, in the order the platform got them. */
  readonly postedTexts: string[] = [];

  constructor(private readonly inner: OutboundAdapter) {
    this.platform = inner.platform;
    this.limits = inner.limits;
  }

  async post(
    target: DeliveryTarget,
    message: UiMessage,
    options: { visibleTo?: User | undefined },
  ): Promise<PostedRef> {
    this.maybeRateLimit();
    if (this.goneNext) {
      this.goneNext = false;
      throw new CodedError("CHAT_DELIVERY_FAILED", "channel_not_found", { retryable: false });
    }
    this.posts++;
    const posted = await this.inner.post(target, message, options);
    this.postedTexts.push(renderText(message));
    return posted;
  }

  async update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    this.maybeRateLimit();
    this.updates++;
    await this.inner.update(target, id, message);
  }

  private maybeRateLimit(): void {
    if (this.rateLimitNext <= 0) return;
    this.rateLimitNext--;
    throw new CodedError("CHAT_RATE_LIMITED", "429 too many requests", { retryAfterMs: 300 });
  }
}

/**
 * The contract every chat adapter passes (the console now; Slack and Teams next): deliveries through
 * the outbox on a real Redis, clicks decided at once by the real Bot, and a post from another process.
 */
export function adapterContract(
  name: string,
  make: (context: { redis: Redis; prefix: string }) => Promise<ContractPlatform>,
): void {
  describe(`${name} adapter contract`, () => {
    const redisUrl = inject("redisUrl");
    const prefix = `ct${process.pid}x${Date.now().toString(36)}`;
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const connection = bullConnection(parseRedisUrl(redisUrl)).connection;
    let platform: ContractPlatform;
    let metered: MeteredOutbound;
    let outbox: Outbox;
    let deliverers: { close(): Promise<void> };
    let bot: Bot;
    let sessions: SessionStore;
    const log = captureLog();
    const logged = log.raw;

    /** What the platform shows for a logical message, once delivered. */
    const shown = async (ref: MessageRef) => {
      const [id, target] = await redis.hmget(new ChatKeys(prefix).message(ref.id), "ref", "target");
      if (!id || !target) return undefined;
      return platform.read(JSON.parse(target) as DeliveryTarget, id);
    };
    const until = async (ref: MessageRef, text: string, timeoutMs = 10_000) => {
      await waitFor(async () => (await shown(ref))?.text.includes(text) === true, timeoutMs);
      return (await shown(ref))!;
    };

    beforeAll(async () => {
      platform = await make({ redis, prefix });
      metered = new MeteredOutbound(platform.outbound);
      outbox = new Outbox({ connection, redis, prefix });
      // A short order wait, so the test of a post that fails for good does not sit out 30 s.
      deliverers = startDeliverers({
        connection,
        redis,
        prefix,
        adapters: [metered],
        orderWaitMs: 5000,
        log: log.logger,
      });
      sessions = new SessionStore(redis, prefix);
      bot = new Bot({
        connection,
        prefix,
        sessions,
        skills: new SkillStore(redis, prefix),
        policy: new Policy({ approvers: [] }),
        surface: outbox,
        redis,
      });
    });
    afterAll(async () => {
      await bot?.close();
      await deliverers?.close();
      await outbox?.close();
      await platform?.close();
      redis.disconnect();
    });

    it("should post and then show the latest update", async () => {
      const ref = await outbox.post(platform.thread(), { blocks: [{ type: "text", text: "first" }] });
      await outbox.update(ref, { blocks: [{ type: "text", text: "second" }] });
      expect((await until(ref, "second")).text).toBe("second");
    });

    it("should show a private notice to its person only, or say plainly whom it is for", async () => {
      const ref = await outbox.post(
        platform.thread(),
        { blocks: [{ type: "text", text: "only for ana" }] },
        { visibleTo: platform.user("ana") },
      );
      const shown = await until(ref, "only for ana");
      if (platform.outbound.limits.ephemeral) expect(shown).toMatchObject({ visibleTo: "ana" });
      else expect(shown.text).toMatch(/^For @ana only:\nonly for ana$/);
    });

    it("should decide clicks at once: refused and stale for the clicker only, accepted updates the message", async () => {
      const thread = platform.thread();
      const session = newSession(`contract-${Date.now()}`, thread, platform.user("ana"));
      const message: UiMessage = {
        blocks: [
          {
            type: "question",
            prompt: "Which root?",
            buttons: [{ label: "Archive", value: { sessionId: session.id, pendingId: "p1", choice: "Archive" } }],
          },
        ],
      };
      const messageRef = await outbox.post(thread, message);
      session.pending = { id: "p1", kind: "question", toolCallId: "t1", choices: ["Archive"], messageRef, message };
      session.status = "waiting";
      await sessions.save(session);
      await until(messageRef, "Which root?");

      const refused = await bot.onAction({
        user: platform.user("mallory"),
        value: { sessionId: session.id, pendingId: "p1", choice: "Archive" },
      });
      expect(refused).toMatchObject({ kind: "refused" });
      const stale = await bot.onAction({
        user: platform.user("ana"),
        value: { sessionId: session.id, pendingId: "old", choice: "Archive" },
      });
      expect(stale).toMatchObject({ kind: "stale" });
      expect((await shown(messageRef))?.text).toContain("[ Archive ]");

      const accepted = await bot.onAction({
        user: platform.user("ana"),
        value: { sessionId: session.id, pendingId: "p1", choice: "Archive" },
      });
      expect(accepted.kind).toBe("accepted");
      const after = await until(messageRef, "working…");
      expect(after.text).toContain("answered: Archive (by ana) working…");
      expect(after.text).not.toContain("[ Archive ]");
      // The refused click did not take the accepted one's place: exactly one turn is queued.
      expect(await bot.queue.getJobCountByTypes("waiting", "delayed", "active")).toBe(1);
    });

    it("should show command buttons under what they act on, and answer their click to the clicker", async () => {
      const ref = await outbox.post(platform.thread(), {
        blocks: [
          { type: "rich", spans: [{ text: "sch-report", style: "code" }, { text: " paused itself" }] },
          {
            type: "actions",
            buttons: [
              { label: "Resume", value: { command: "resume", target: "sch-report" }, style: "primary" },
              { label: "Show the last error", value: { command: "last-error", target: "sch-report" } },
            ],
          },
        ],
      });
      const shown = await until(ref, "[ Resume ]");
      expect(shown.text).toContain("sch-report paused itself");
      expect(shown.text).toContain("[ Show the last error ]");
      // This Bot has no runtime: the click is still told apart from a session's and answered, privately.
      const result = await bot.onAction({
        user: platform.user("ana"),
        value: { command: "resume", target: "sch-report" },
      });
      expect(result).toMatchObject({
        kind: "stale",
        notice: { blocks: [{ text: "Runs are not enabled in this process." }] },
      });
      const forged = await bot.onAction({ user: platform.user("ana"), value: { command: "delete", target: "x" } });
      expect(forged).toMatchObject({
        kind: "stale",
        notice: { blocks: [{ text: "That button is not one of mine." }] },
      });
    });

    it("should deliver a post made by another process that holds no adapter", async () => {
      const thread = platform.thread();
      const script = join(import.meta.dirname, "..", "fixtures", "outbox-post.ts");
      const id = await new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", script, redisUrl, prefix, JSON.stringify(thread), "from a worker process"],
          { stdio: ["ignore", "pipe", "inherit"] },
        );
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
        child.on("exit", (code) =>
          code === 0 ? resolve(out.trim()) : reject(new Error(`outbox-post exited with ${code}`)),
        );
      });
      expect((await until({ thread, id }, "from a worker process", 20_000)).text).toBe("from a worker process");
    }, 30_000);

    it("should wait out 429s and lose nothing", async () => {
      metered.rateLimitNext = 3;
      const thread = platform.thread();
      const refs = [];
      for (const n of [1, 2, 3])
        refs.push(await outbox.post(thread, { blocks: [{ type: "text", text: `message ${n}` }] }));
      for (const [index, ref] of refs.entries())
        expect((await until(ref, `message ${index + 1}`)).text).toBe(`message ${index + 1}`);
      expect(metered.rateLimitNext).toBe(0);
    });

    it("should post a thread's messages in the order they were made, even when the first meets a 429", async () => {
      const thread = platform.thread();
      metered.rateLimitNext = 1;
      const refs = [];
      for (let n = 1; n <= 5; n++)
        refs.push(await outbox.post(thread, { blocks: [{ type: "text", text: `ordered ${thread.thread} #${n}` }] }));
      await until(refs[4] as MessageRef, "#5");
      const order = metered.postedTexts
        .filter((text) => text.startsWith(`ordered ${thread.thread}`))
        .map((text) => text.slice(-2));
      expect(order).toEqual(["#1", "#2", "#3", "#4", "#5"]);
    });

    it("should open a thread with a channel-level command's first post and keep later posts in it", async () => {
      const opener: ThreadRef = { ...platform.thread(), thread: undefined, opener: `op-${Date.now()}` };
      const first = await outbox.post(opener, { blocks: [{ type: "text", text: "opens the thread" }] });
      const second = await outbox.post(opener, { blocks: [{ type: "text", text: "lands in it" }] });
      await until(second, "lands in it");
      const targets = await Promise.all(
        [first, second].map(
          async (ref) =>
            JSON.parse((await redis.hget(new ChatKeys(prefix).message(ref.id), "target")) as string) as DeliveryTarget,
        ),
      );
      expect(targets[0]?.thread).toBeDefined();
      expect(targets[1]?.thread).toBe(targets[0]?.thread);
    });

    it("should cut a message too long for the platform and show all of it on /codemem show", async () => {
      const long = `${"lorem ipsum ".repeat(Math.ceil((platform.outbound.limits.textChars * 2) / 12))}THE END`;
      const thread = platform.thread();
      const ref = await outbox.post(thread, { blocks: [{ type: "code", language: "text", source: long }] });
      const cut = await until(ref, `/codemem show ${ref.id} 1 shows all of it`);
      expect(cut.text).not.toContain("THE END");
      const reply = await bot.onCommand({ user: platform.user("ana"), text: `show ${ref.id} 1`, thread });
      expect(reply.private).toBe(true);
      expect(reply.message.blocks[0]).toMatchObject({ type: "code", source: long });
    });

    it("should show a table's first rows under its header and keep every row for /codemem show", async () => {
      const thread = platform.thread();
      const rows = Array.from({ length: 25 }, (_, n) => [
        `msg-${n + 1}`,
        n === 3 ? "failed" : "done",
        n === 3 ? "quota" : "",
      ]);
      const ref = await outbox.post(thread, {
        blocks: [{ type: "table", columns: ["Item", "Outcome", "Error"], rows }],
      });
      const shown = await until(ref, "15 more rows");
      expect(shown.text).toContain("Item | Outcome | Error");
      expect(shown.text).toContain("msg-4 | failed | quota");
      expect(shown.text).toContain("msg-10 | done");
      expect(shown.text).not.toContain("msg-11 ");
      const part = /\/codemem show (\S+) (\d+)/.exec(shown.text);
      const reply = await bot.onCommand({ user: platform.user("ana"), text: `show ${part?.[1]} ${part?.[2]}`, thread });
      expect(JSON.stringify(reply.message)).toContain("msg-25 | done");
    });

    it("should log a delivery that fails for good with its code, and not hold up the thread", async () => {
      const thread = platform.thread();
      metered.goneNext = true;
      const lost = await outbox.post(thread, { blocks: [{ type: "text", text: "to a channel that is gone" }] });
      const next = await outbox.post(thread, { blocks: [{ type: "text", text: "the next one" }] });
      await until(next, "the next one");
      await waitFor(() => logged.some((line) => line.includes(lost.id)), 10_000);
      expect(log.lines().find((line) => line.id === lost.id)).toMatchObject({
        level: 40,
        platform: metered.platform,
        msg: "chat delivery failed for good",
        err: "CHAT_DELIVERY_FAILED: channel_not_found",
      });
      expect(await redis.hget(new ChatKeys(prefix).message(lost.id), "error")).toBe(
        "CHAT_DELIVERY_FAILED: channel_not_found",
      );
    });

    it("should coalesce a burst of 100 progress updates into a few, ending on the last", async () => {
      const ref = await outbox.post(platform.thread(), { blocks: [{ type: "text", text: "progress 0" }] });
      await until(ref, "progress 0");
      const before = metered.updates;
      for (let n = 1; n <= 100; n++) await outbox.update(ref, { blocks: [{ type: "text", text: `progress ${n}` }] });
      await until(ref, "progress 100");
      const updates = metered.updates - before;
      expect(updates).toBeGreaterThanOrEqual(1);
      expect(updates).toBeLessThanOrEqual(10);
    });
  });
}
