import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/compose/app.ts";
import { startSlackTestApp } from "../helpers/slack-app.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { FakeSlack } from "../helpers/fake-slack.ts";
import { eventEnvelope, sendToSlackReceiver } from "../helpers/slack-requests.ts";

const SECRET = "agent-view-signing-secret";
const MANIFEST = join(import.meta.dirname, "..", "..", "manifest", "slack.yml");

describe("Slack's agent messaging surface", () => {
  const home = tempStateDir("codemem-slack-agent-");
  const slack = new FakeSlack();
  let app: App;

  beforeAll(async () => {
    await slack.start();
    app = await startSlackTestApp(slack, home.dir, { SLACK_SIGNING_SECRET: SECRET });
  });
  afterAll(async () => {
    await app?.close();
    await slack.close();
    home.cleanup();
  });

  it("declares agent_view in the manifest a new app is made from, not the deprecated assistant_view", () => {
    const manifest = parse(readFileSync(MANIFEST, "utf8")) as {
      features: Record<string, Record<string, unknown>>;
      oauth_config: { scopes: { bot: string[] } };
      settings: { event_subscriptions: { bot_events: string[] } };
    };
    const agent = manifest.features.agent_view as {
      agent_description: string;
      suggested_prompts: { title: string; message: string }[];
    };
    // Slack's limits: a description of at most 300 characters, at most 4 suggested prompts.
    expect(agent.agent_description.length).toBeGreaterThan(0);
    expect(agent.agent_description.length).toBeLessThanOrEqual(300);
    expect(agent.suggested_prompts.length).toBeLessThanOrEqual(4);
    for (const prompt of agent.suggested_prompts) expect(prompt.title && prompt.message).toBeTruthy();
    expect(manifest.features.assistant_view).toBeUndefined();
    expect(manifest.features.app_home).toMatchObject({ messages_tab_enabled: true, home_tab_enabled: true });
    expect(manifest.oauth_config.scopes.bot).toContain("assistant:write");
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(["app_home_opened", "message.im"]),
    );
    expect(manifest.settings.event_subscriptions.bot_events).not.toContain("assistant_thread_started");
  });

  it("says what it does when the agent view opens its DM (app_home_opened, tab messages), once a day", async () => {
    const url = app.surfaces[0]?.url as string;
    const opened = (id: string) =>
      sendToSlackReceiver(
        url,
        SECRET,
        eventEnvelope(id, {
          type: "app_home_opened",
          user: "UDANA",
          channel: "D9",
          tab: "messages",
          ts: "1690000090.000100",
        }),
      );
    expect((await opened("EvAgentOpen1")).status).toBe(200);
    await waitFor(() => [...slack.messages.values()].some((m) => m.channel === "D9"), 10_000);
    expect((await opened("EvAgentOpen2")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const posted = [...slack.messages.values()].filter((m) => m.channel === "D9");
    expect(posted).toHaveLength(1);
    expect(posted[0]?.text).toContain("Tell me a task");
    expect(slack.callsTo("views.publish")).toEqual([]);
  });
});
