import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from "botbuilder";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TeamsOutbound } from "../../adapters/teams/outbound.ts";
import { ConversationReferences } from "../../adapters/teams/references.ts";
import { renderCard, TEAMS_LIMITS } from "../../adapters/teams/render.ts";
import { fitMessage } from "../../src/ui/fit.ts";
import type { UiMessage } from "../../src/ui/message.ts";
import { cardProblem } from "../helpers/adaptive-card.ts";
import { FakeTeams } from "../helpers/fake-teams.ts";

const value = { sessionId: "s", pendingId: "p", choice: "approve" };
const proposal: UiMessage = {
  demo: true,
  blocks: [
    { type: "rich", spans: [{ text: "Asked by " }, { user: { platform: "teams", id: "aad-1", name: "Alice" } }] },
    {
      type: "proposal",
      name: "archive-attachments",
      description: "Archive attachments.",
      params: { type: "object" },
      sampleParams: { days: 15 },
      code: "export async function run() {}\n".repeat(2000),
      preview: "3 item(s) found",
      tools: [{ id: "onedrive__upload_file", access: "destructive" }],
      buttons: [
        { label: "Approve", value, style: "primary", confirm: "Sure?" },
        { label: "Reject", value: { ...value, choice: "reject" }, style: "danger" },
      ],
    },
    { type: "progress", done: 5, skipped: 1, failed: 0, total: 10, ratePerSecond: 2, etaSeconds: 2 },
  ],
};

describe("Teams cards and delivery", () => {
  const teams = new FakeTeams();
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 2 });
  beforeAll(() => teams.start());
  afterAll(async () => {
    await teams.close();
    redis.disconnect();
  });

  it("should render every block as an Adaptive Card 1.5 within Teams' rules, mentions as entities", () => {
    const card = renderCard(fitMessage(proposal, TEAMS_LIMITS, () => "/codemem show m1 1").message);
    expect(cardProblem(card)).toBeUndefined();
    expect(JSON.stringify(card.body)).toContain("<at>Alice</at>");
    expect(card.msteams.entities).toEqual([
      { type: "mention", text: "<at>Alice</at>", mentioned: { id: "aad-1", name: "Alice" } },
    ]);
    const execute = JSON.stringify(card.body).match(/"Action.Execute"/g);
    expect(execute).toHaveLength(2);
  });

  it("should sit out a Bot Connector 429 for its Retry-After, and hand a lasting one to the outbox", async () => {
    const references = new ConversationReferences(redis, `tr${process.pid}:refs`);
    await references.save({
      serviceUrl: teams.url,
      conversation: { id: "a:chat-1", conversationType: "personal", isGroup: false, name: "" },
      bot: { id: "28:bot", name: "codemem" },
      channelId: "msteams",
    });
    const outbound = new TeamsOutbound(
      new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
      "",
      references,
    );
    // The connector client itself sits out a few 429s (its throttling policy); past them the outbox does.
    teams.rateLimit = { next: 1, retryAfter: 1 };
    const started = Date.now();
    const first = await outbound.post({ channel: "a:chat-1" }, { blocks: [{ type: "text", text: "hi" }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(teams.activities.has(first.id)).toBe(true);
    teams.rateLimit = { next: 100, retryAfter: 1 };
    const error = await outbound.post({ channel: "a:chat-1" }, { blocks: [] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CHAT_RATE_LIMITED", retryAfterMs: 1000 });
    expect(100 - teams.rateLimit.next).toBe(4);
    teams.rateLimit = { next: 0, retryAfter: 1 };
    const posted = await outbound.post({ channel: "a:chat-1" }, { blocks: [{ type: "text", text: "hi" }] });
    // A personal chat has no reply chains: the conversation is the thread.
    expect(posted.thread).toBe("a:chat-1");
    expect(teams.activities.get(posted.id)?.conversationId).toBe("a:chat-1");
    // Someone the bot never met in a chat of their own: the notice is posted where asked, saying for whom.
    const zed = { platform: "teams", id: "aad-zed", name: "Zed" };
    const labelled = await outbound.post(
      { channel: "a:chat-1" },
      { blocks: [{ type: "text", text: "hi" }] },
      { visibleTo: zed },
    );
    expect(String(teams.card(labelled.id)?.fallbackText)).toBe("For @Zed only:\nhi");
    await expect(outbound.post({ channel: "a:unknown" }, { blocks: [] })).rejects.toMatchObject({
      code: "CHAT_DELIVERY_FAILED",
      retryable: false,
    });
  });

  it("should list who may answer in refresh.userIds, and keep the buttons for all while one of them is unknown", async () => {
    const references = new ConversationReferences(redis, `tr${process.pid}:refresh`);
    await references.save({
      serviceUrl: teams.url,
      conversation: { id: "19:ops@thread.tacv2", conversationType: "channel", isGroup: true, name: "ops" },
      bot: { id: "28:bot", name: "codemem" },
      channelId: "msteams",
    });
    await references.saveUser("aad-1", { id: "29:alice", serviceUrl: teams.url });
    const outbound = new TeamsOutbound(
      new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})),
      "",
      references,
    );
    const question: UiMessage = {
      blocks: [{ type: "question", prompt: "Which root?", buttons: [{ label: "Archive", value }] }],
      answerers: [{ platform: "teams", id: "aad-1", name: "Alice" }],
    };
    const target = { channel: "19:ops@thread.tacv2", thread: "1700000000001" };
    const listed = teams.card((await outbound.post(target, question, {})).id) as Record<string, unknown>;
    expect(listed.refresh).toMatchObject({ action: { type: "Action.Execute" }, userIds: ["29:alice"] });
    expect(JSON.stringify(listed.body)).not.toContain("Action.Execute");
    expect(String(listed.fallbackText)).toContain("Which root?");
    // An approver who never wrote to the bot has no Teams id yet: everyone keeps the buttons.
    const withApprover = {
      ...question,
      answerers: [...(question.answerers ?? []), { platform: "teams", id: "aad-olga" }],
    };
    const open = teams.card((await outbound.post(target, withApprover, {})).id) as Record<string, unknown>;
    expect(open.refresh).toBeUndefined();
    expect(JSON.stringify(open.body)).toContain("Action.Execute");
  });
});
