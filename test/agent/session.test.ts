import { describe, expect, it } from "vitest";
import { sessionIdFor } from "../../src/agent/session.ts";

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
});
