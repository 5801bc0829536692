import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ChatKeys } from "../../src/chat/keys.ts";
import { Outbox } from "../../src/chat/outbox.ts";
import { Scrubber } from "../../src/ops/scrub.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

describe("Scrubber", () => {
  const scrubber = new Scrubber(["hunter2-redis-password", "abc"]);

  it("should take out configured secrets and anything shaped like a credential", () => {
    expect(scrubber.text("AUTH hunter2-redis-password failed")).toBe("AUTH [redacted] failed");
    expect(scrubber.text("token xoxb-1234567890-abcdefghij leaked")).toBe("token [redacted] leaked");
    expect(scrubber.text("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload")).toBe(
      "Authorization: Bearer [redacted]",
    );
    expect(scrubber.text("OPENAI_API_KEY=sk-proj-abcdefghijklmnop1234")).toBe("OPENAI_API_KEY=[redacted]");
    expect(scrubber.text("connect redis://:s3cret@10.0.0.5:6379 refused")).toBe(
      "connect redis://:[redacted]@10.0.0.5:6379 refused",
    );
    // Values too short to be secrets are left alone (they would match ordinary words).
    expect(scrubber.text("abc def")).toBe("abc def");
  });

  it("should scrub every message the outbox stores, before any platform delivers it", async () => {
    const prefix = `scrub${Date.now().toString(36)}`;
    const outbox = new Outbox({ connection: redis, redis, prefix, scrubber });
    try {
      const ref = await outbox.post(
        { platform: "test", channel: "c", thread: "t" },
        {
          blocks: [
            { type: "text", text: "The server died (server stderr: auth with xoxp-99999999-secret failed)" },
            { type: "code", language: "text", source: "password hunter2-redis-password", title: "Last errors" },
          ],
        },
      );
      const stored = await redis.hget(new ChatKeys(prefix).message(ref.id), "message");
      expect(stored).not.toBeNull();
      expect(stored).not.toContain("xoxp-99999999");
      expect(stored).not.toContain("hunter2-redis-password");
      expect(stored).toContain("[redacted]");
    } finally {
      await outbox.close();
    }
  });
});
