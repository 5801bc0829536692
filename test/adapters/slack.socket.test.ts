import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/compose/app.ts";
import { startSlackTestApp } from "../helpers/slack-app.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { FakeSlack } from "../helpers/fake-slack.ts";
import { itKeepsSecretsOutOfLogs, linesFrom } from "../helpers/log.ts";

describe("Slack in Socket Mode (the default for a team trying it), against a fake Slack", () => {
  const home = tempStateDir("codemem-slack-socket-");
  const slack = new FakeSlack();
  let app: App;

  beforeAll(async () => {
    await slack.start();
    app = await startSlackTestApp(slack, home.dir, { SLACK_APP_TOKEN: "xapp-test" });
  });
  afterAll(async () => {
    await app?.close();
    await slack.close();
    home.cleanup();
  });

  it("should connect, say so in one line, ack every envelope and answer a mention and a slash command", async () => {
    expect(app.surfaces[0]?.describe).toBe("slack    Socket Mode as @codemem in Example");
    await waitFor(() => slack.socketConnected, 10_000);
    const mention = {
      type: "event_callback",
      event_id: "EvSocket1",
      team_id: "T1",
      api_app_id: "A1",
      event: {
        type: "app_mention",
        user: "UALICE",
        text: "<@UBOT> skills",
        ts: "1690000010.000100",
        channel: "C9",
        event_ts: "1690000010.000100",
      },
    };
    expect(await slack.sendEnvelope("events_api", mention)).toEqual({});
    await waitFor(() => slack.callsTo("chat.postEphemeral").length > 0, 10_000);
    expect(slack.callsTo("chat.postEphemeral")[0]?.args).toMatchObject({ channel: "C9", user: "UALICE" });

    const command = {
      token: "unused",
      team_id: "T1",
      channel_id: "C9",
      user_id: "UBOB",
      command: "/codemem",
      text: "frobnicate",
      response_url: slack.responseUrl("sock1"),
      trigger_id: "trigger-sock-1",
    };
    const before = slack.responses.length;
    await slack.sendEnvelope("slash_commands", command);
    await waitFor(() => slack.responses.length > before, 10_000);
    expect(slack.responses.at(-1)).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(slack.responses.at(-1))).toContain('Unknown command \\"frobnicate\\". Try /codemem help.');
  });

  it("should stop at start with one line when the app-level token is refused", async () => {
    await expect(startSlackTestApp(slack, home.dir, { SLACK_APP_TOKEN: "xapp-revoked" })).rejects.toThrow(
      /^slack: Socket Mode did not connect \(invalid_auth\); SLACK_APP_TOKEN must be an app-level token with connections:write/,
    );
  });
});

it("should have routed the Slack SDKs' own lines into codemem's log, at codemem's level (debug here)", () => {
  const lines = linesFrom("slack-sdk");
  expect(lines.length).toBeGreaterThan(0);
  // Lines from after bolt's App was made: bolt would set its logger to INFO unless given codemem's level.
  expect(
    lines.some((line) => line.level === 20 && String(line.msg).startsWith("Received a message on the WebSocket")),
  ).toBe(true);
  // Bodies sent and received (messages, so what tools returned) are cut to their size.
  const bodies = lines.filter((line) =>
    /^(http request body|Received a message on the WebSocket)/.test(String(line.msg)),
  );
  expect(bodies.length).toBeGreaterThan(0);
  expect(bodies.every((line) => /: \[\d+ characters\]$/.test(String(line.msg)))).toBe(true);
});

itKeepsSecretsOutOfLogs();
