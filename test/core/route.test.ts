import { describe, expect, it } from "vitest";
import { routeMessage } from "../../src/core/route.ts";

describe("routeMessage", () => {
  it("should read /codemem as a command, and a mention starting with a command word as one too", () => {
    expect(routeMessage("/codemem run x {}", false)).toEqual({ kind: "command", text: "run x {}" });
    expect(routeMessage('@codemem schedule x "0 8 * * *"', false)).toEqual({
      kind: "command",
      text: 'schedule x "0 8 * * *"',
    });
    expect(routeMessage("schedules", true)).toEqual({ kind: "command", text: "schedules" });
  });

  it("should read a platform mention or a typed @codemem as a task, and anything else as a reply", () => {
    expect(routeMessage("archive my mail", true)).toEqual({ kind: "mention", text: "archive my mail" });
    expect(routeMessage("@codemem archive my mail", false)).toEqual({ kind: "mention", text: "archive my mail" });
    expect(routeMessage("call it make-folder-2", false)).toEqual({ kind: "reply", text: "call it make-folder-2" });
  });
});
