import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/compose/app.ts";
import { REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { startSlackTestApp } from "../helpers/slack-app.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { FakeSlack } from "../helpers/fake-slack.ts";
import { eventEnvelope, sendToSlackReceiver } from "../helpers/slack-requests.ts";
import { itKeepsSecretsOutOfLogs } from "../helpers/log.ts";

const SECRET = "assistant-signing-secret";

describe("Slack's assistant features in a direct message (SLACK_ASSISTANT)", () => {
  const home = tempStateDir("codemem-slack-assistant-");
  const slack = new FakeSlack();
  let app: App;

  beforeAll(async () => {
    await slack.start();
    app = await startSlackTestApp(slack, home.dir, { SLACK_SIGNING_SECRET: SECRET, SLACK_ASSISTANT: "true" });
  });
  afterAll(async () => {
    await app?.close();
    await slack.close();
    home.cleanup();
  });

  it("should show a status while working and stream the plan as tasks, the rest as Block Kit", async () => {
    const url = app.surfaces[0]?.url as string;
    const dm = {
      type: "message",
      channel: "D1",
      channel_type: "im",
      user: "UALICE",
      text: REPLAY_TASK,
      ts: "1690000050.000100",
    };
    expect((await sendToSlackReceiver(url, SECRET, eventEnvelope("EvAssistant", dm))).status).toBe(200);
    await waitFor(
      () => slack.thread("D1", "1690000050.000100").some((m) => m.blocks.some((b) => b.type === "actions")),
      60_000,
    );

    const statuses = slack.callsTo("assistant.threads.setStatus").map((call) => call.args);
    expect(statuses[0]).toMatchObject({ channel_id: "D1", thread_ts: "1690000050.000100" });
    expect(statuses.map((s) => s.status)).toEqual(
      expect.arrayContaining(["is thinking…", "is probing the tools in the sandbox…", ""]),
    );
    // Waiting for a click, the status line is cleared.
    await waitFor(() => slack.callsTo("assistant.threads.setStatus").at(-1)?.args.status === "", 5000);

    const start = slack.callsTo("chat.startStream")[0]?.args as {
      task_display_mode: string;
      chunks: Record<string, unknown>[];
    };
    expect(start.task_display_mode).toBe("plan");
    expect(start.chunks[0]).toEqual({ type: "plan_update", title: "Plan" });
    expect(start.chunks[1]).toMatchObject({
      type: "task_update",
      id: "task-1",
      status: expect.stringMatching(/^(pending|in_progress|complete)$/),
    });
    await waitFor(() => slack.callsTo("chat.appendStream").length > 0, 5000);
    // The plan is not also posted as Block Kit.
    expect(slack.thread("D1", "1690000050.000100").filter((m) => JSON.stringify(m.blocks).includes("*Plan*"))).toEqual(
      [],
    );
  }, 90_000);
});

itKeepsSecretsOutOfLogs();
