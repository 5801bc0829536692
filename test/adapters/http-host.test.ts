import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HttpHost } from "../../adapters/http-host.ts";
import { slackAdapter } from "../../adapters/slack/adapter.ts";
import { teamsAdapter } from "../../adapters/teams/adapter.ts";
import { startApp, type App } from "../../src/compose/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { tempStateDir } from "../helpers/demo.ts";
import { FakeSlack } from "../helpers/fake-slack.ts";
import { FakeTeams, TestCredentials } from "../helpers/fake-teams.ts";
import { eventEnvelope, sendToSlackReceiver } from "../helpers/slack-requests.ts";
import { captureLog, itKeepsSecretsOutOfLogs } from "../helpers/log.ts";
import { secretsOf } from "../../src/ops/logger.ts";

const APP_ID = "00000000-0000-0000-0000-0000000000aa";
const SECRET = "shared-port-signing-secret";

describe("Slack's receiver and Teams' /api/messages on one PORT", () => {
  const home = tempStateDir("codemem-http-host-");
  const slack = new FakeSlack();
  const teams = new FakeTeams();
  let app: App;

  beforeAll(async () => {
    await Promise.all([slack.start(), teams.start()]);
    const env = {
      REDIS_URL: inject("redisUrl"),
      CODEMEM_HOME: join(home.dir, ".codemem"),
      CODEMEM_PREFIX: `hh${process.pid}x${Date.now().toString(36)}`,
      CODEMEM_SEMANTIC: "off",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      ...teams.env(APP_ID),
    };
    const config = loadConfig({ env, cwd: home.dir });
    const http = new HttpHost({ port: 0, host: "127.0.0.1" });
    const adapters = [
      slackAdapter(config.slack, http),
      teamsAdapter(config.teams, { http, credentialsFactory: new TestCredentials(APP_ID) }),
    ];
    app = await startApp({ config, adapters, log: captureLog({ secrets: secretsOf(config) }).logger });
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([slack.close(), teams.close()]);
    home.cleanup();
  });

  it("should serve both paths on one port, each with its own checks", async () => {
    const [slackUrl, teamsUrl] = app.surfaces.map((surface) => surface.url as string);
    expect(new URL(slackUrl as string).port).toBe(new URL(teamsUrl as string).port);
    expect(app.surfaces.map((surface) => surface.describe.split(" ")[0])).toEqual(["slack", "teams"]);
    const event = eventEnvelope("EvShared", {
      type: "app_mention",
      user: "UALICE",
      text: "<@UBOT> skills",
      ts: "1690000060.000100",
      channel: "C1",
    });
    expect((await sendToSlackReceiver(slackUrl as string, SECRET, event)).status).toBe(200);
    const unsigned = await fetch(teamsUrl as string, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", text: "hi" }),
    });
    expect(unsigned.status).toBe(401);
    const elsewhere = await fetch(new URL("/nothing", slackUrl as string), { method: "POST" });
    expect(elsewhere.status).toBe(404);
  });
});

itKeepsSecretsOutOfLogs();
