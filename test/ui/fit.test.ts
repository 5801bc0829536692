import { describe, expect, it } from "vitest";
import { fitMessage } from "../../src/ui/fit.ts";
import type { UiMessage } from "../../src/ui/message.ts";

const limits = { textChars: 100, blocks: 3, updateIntervalMs: 1000, ephemeral: true };

describe("fitMessage", () => {
  it("should cut a long text with a note that says how to read all of it, and return it whole", () => {
    const long = "x".repeat(250);
    const { message, overflow } = fitMessage(
      { blocks: [{ type: "code", language: "ts", source: long }] },
      limits,
      (i) => `/codemem show m1 ${i + 1}`,
    );
    const block = message.blocks[0];
    expect(block?.type === "code" && block.source.length).toBeLessThanOrEqual(100);
    expect(block?.type === "code" && block.source).toMatch(/… \d+ more characters; \/codemem show m1 1$/);
    expect(overflow).toEqual([{ title: "ts", text: long }]);
  });

  it("should fold blocks past the platform's count into one closing line, keeping their text", () => {
    const message: UiMessage = { blocks: ["a", "b", "c", "d", "e"].map((text) => ({ type: "text", text })) };
    const fitted = fitMessage(message, limits, (i) => `see part ${i + 1}`);
    expect(fitted.message.blocks).toHaveLength(3);
    expect(fitted.message.blocks[2]).toEqual({ type: "text", text: "… 3 more parts not shown here; see part 1" });
    expect(fitted.overflow[0]?.text).toBe("c\nd\ne");
  });

  it("should leave a message that fits as it is", () => {
    const message: UiMessage = { blocks: [{ type: "text", text: "short" }] };
    expect(fitMessage(message, limits, () => "")).toEqual({ message, overflow: [] });
  });

  it("should give every text less room when the whole message must stay under the platform's cap", () => {
    const texts = ["a", "b", "c"].map((letter) => letter.repeat(900));
    const message: UiMessage = { blocks: texts.map((text) => ({ type: "text", text })) };
    const capped = { ...limits, textChars: 1000, blocks: 10, messageChars: 1500 };
    const fitted = fitMessage(message, capped, (i) => `/codemem show m1 ${i + 1}`);
    const shown = fitted.message.blocks.map((block) => (block.type === "text" ? block.text : ""));
    expect(shown.join("\n").length).toBeLessThanOrEqual(1500);
    expect(shown.every((text) => text.includes("more characters; /codemem show m1"))).toBe(true);
    // Each text is still whole in the overflow, in order.
    expect(fitted.overflow.map((cut) => cut.text)).toEqual(texts);
  });
});
