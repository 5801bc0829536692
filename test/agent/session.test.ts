import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { newSession, sessionIdFor, SessionStore } from "../../src/agent/session.ts";
import { SessionKeys } from "../../src/agent/keys.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 2 });
afterAll(() => redis.disconnect());

describe("sessionIdFor", () => {
  it("should give threads whose ids differ only in ':', '@' or ';' different sessions (Teams ids hold them)", () => {
    const teams = (thread: string) => ({ platform: "teams", channel: "19:abc@thread.tacv2", thread });
    const ids = ["1700000000000;messageid=1", "1700000000000_messageid=1", "1700000000000:messageid=1"].map((t) =>
      sessionIdFor(teams(t)),
    );
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^teams-[0-9a-f]{32}$/);
  });

  it("should give one thread the same session every time, and a channel-level thread its opener's", () => {
    const thread = { platform: "slack", channel: "C1", thread: "1700000000.000100" };
    expect(sessionIdFor({ ...thread })).toBe(sessionIdFor(thread));
    const opened = { platform: "slack", channel: "C1", opener: "o1" };
    expect(sessionIdFor(opened)).not.toBe(sessionIdFor({ ...opened, opener: "o2" }));
  });

  it("should keep the ids sessions were saved under before (a release must not orphan live sessions)", () => {
    expect(sessionIdFor({ platform: "slack", channel: "C1", thread: "1700000000.000100" })).toBe(
      "slack-15243f094adb5ba16ee2798b093a3506",
    );
  });
});

describe("SessionStore", () => {
  const prefix = `sess${process.pid}x${Date.now().toString(36)}`;
  const store = new SessionStore(redis, prefix);
  const keys = new SessionKeys(prefix);
  const thread = { platform: "console", channel: "local", thread: "t1" };

  it("should save and load a session as it was, with its format", async () => {
    const session = newSession("s1", thread, { platform: "console", id: "ana", name: "ana" });
    session.todos = [{ content: "probe outlook", status: "in_progress" }];
    await store.save(session);
    expect(JSON.parse((await redis.get(keys.session("s1"))) as string).format).toBe(1);
    expect(await store.load("s1")).toEqual(session);
    expect(await store.load("nobody")).toBeUndefined();
  });

  it("should upgrade a session saved before formats (no format, the requester a bare name)", async () => {
    const { format: _format, ...old } = newSession("s2", thread, { platform: "console", id: "ana", name: "ana" });
    await redis.set(keys.session("s2"), JSON.stringify({ ...old, requester: "ana" }));
    expect(await store.load("s2")).toMatchObject({
      format: 1,
      requester: { platform: "console", id: "ana", name: "ana" },
    });
  });

  it("should refuse a session of a newer release or a damaged one in one line, naming it", async () => {
    await redis.set(
      keys.session("s3"),
      JSON.stringify({ ...newSession("s3", thread, { platform: "console", id: "a" }), format: 2 }),
    );
    await expect(store.load("s3")).rejects.toMatchObject({
      code: "STATE_UNREADABLE",
      message: "session s3 cannot be read: it was saved by a newer codemem (format 2; this one reads up to 1)",
    });
    await redis.set(
      keys.session("s4"),
      JSON.stringify({ ...newSession("s4", thread, { platform: "console", id: "a" }), todos: "none" }),
    );
    await expect(store.load("s4")).rejects.toMatchObject({
      code: "STATE_UNREADABLE",
      message: expect.stringMatching(/^session s4 cannot be read: todos = "none": /),
    });
    await redis.set(keys.session("s5"), "{ half");
    await expect(store.load("s5")).rejects.toMatchObject({ message: "session s5 cannot be read: it is not JSON" });
  });

  it("should refuse a pending answer whose kind lacks what it needs (a proposal without its skill)", async () => {
    const session = newSession("s6", thread, { platform: "console", id: "a" });
    const pending = { id: "p", kind: "proposal", toolCallId: "c", choices: ["approve", "reject"] };
    await redis.set(keys.session("s6"), JSON.stringify({ ...session, pending }));
    await expect(store.load("s6")).rejects.toMatchObject({
      code: "STATE_UNREADABLE",
      message: expect.stringContaining("pending.proposal = missing"),
    });
  });
});
