import { describe, expect, it } from "vitest";
import { renderSlack } from "../../adapters/slack/render.ts";
import { renderCard } from "../../adapters/teams/render.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import { cardProblem } from "../helpers/adaptive-card.ts";

/** What a tool, the model and a person can put into a message: a disguised link, a mention, a broadcast. */
const hostile =
  "Invoice [click to pay](https://evil.example/pay) <at>Boss</at> <!channel> & <https://evil.example|safe>";
const message: UiMessage = {
  blocks: [
    { type: "text", text: hostile },
    { type: "rich", spans: [{ text: hostile }, { user: { platform: "teams", id: "aad-1", name: "[Al](x)<at>" } }] },
    { type: "fields", fields: [{ label: "Subject", value: hostile }] },
    { type: "todos", items: [{ content: hostile, status: "pending" }] },
    { type: "sample", toolId: "outlook__list_messages", json: `{"subject": "${hostile}"}`, truncated: false },
    {
      type: "question",
      prompt: hostile,
      buttons: [{ label: "Yes", value: { sessionId: "s", pendingId: "p", choice: "yes" } }],
    },
  ],
};

describe("text from tools, models and people as each platform shows it", () => {
  it("should leave no markdown link and no mention in a Teams card but codemem's own", () => {
    const card = renderCard(message);
    expect(cardProblem(card)).toBeUndefined();
    const texts = JSON.stringify(card.body);
    expect(texts).not.toMatch(/\]\(https:/);
    expect(texts).not.toContain("<at>Boss</at>");
    // The person's own mention stays one, with their name escaped inside it.
    expect(card.msteams.entities).toHaveLength(1);
    expect(texts).toContain("<at>[Al]\u200B(x)<\u200Bat></at>");
    // What people read is unchanged but for the invisible spaces.
    expect(JSON.parse(JSON.stringify(card.body[0])).text.replaceAll("\u200B", "")).toBe(hostile);
  });

  it("should escape Slack's control characters in the blocks and in the notification text", () => {
    const { blocks, text } = renderSlack(message);
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).not.toContain("<https://evil.example|safe>");
    // mrkdwn is where Slack reads control sequences; a plan's task cards carry plain text, shown as typed.
    const mrkdwn = blocks.filter((block) => block.type !== "plan");
    expect(JSON.stringify(mrkdwn)).not.toContain("<!channel>");
    expect(JSON.stringify(renderSlack(message, { planBlocks: false }).blocks)).not.toContain("<!channel>");
  });
});
