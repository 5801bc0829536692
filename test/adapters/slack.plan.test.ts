import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/compose/app.ts";
import { REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { startSlackTestApp } from "../helpers/slack-app.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { blockKitProblem, FakeSlack } from "../helpers/fake-slack.ts";
import { eventEnvelope, sendToSlackReceiver } from "../helpers/slack-requests.ts";

const SECRET = "plan-signing-secret";

describe("the plan on a workspace without Slack's agent features or plan blocks: chosen by what Slack answers", () => {
  const home = tempStateDir("codemem-slack-plan-");
  const slack = new FakeSlack();
  let app: App;
  let url: string;

  beforeAll(async () => {
    slack.planBlocks = false;
    slack.streaming = false;
    await slack.start();
    // SLACK_ASSISTANT is left at its default: codemem tries, and Slack's refusals decide.
    app = await startSlackTestApp(slack, home.dir, { SLACK_SIGNING_SECRET: SECRET });
    url = app.surfaces[0]?.url as string;
  });
  afterAll(async () => {
    await app?.close();
    await slack.close();
    home.cleanup();
  });

  it("falls back from a stream to the plan block to the checklist once, and keeps the session going", async () => {
    const dm = {
      type: "message",
      channel: "D7",
      channel_type: "im",
      user: "UALICE",
      text: REPLAY_TASK,
      ts: "1690000070.000100",
    };
    expect((await sendToSlackReceiver(url, SECRET, eventEnvelope("EvPlanDm", dm))).status).toBe(200);
    await waitFor(
      () => slack.thread("D7", "1690000070.000100").some((m) => m.blocks.some((b) => b.type === "actions")),
      60_000,
    );
    // Slack refused the stream and the status line once each: never asked again.
    expect(slack.callsTo("chat.startStream")).toHaveLength(1);
    expect(slack.callsTo("assistant.threads.setStatus")).toHaveLength(1);
    // It refused the plan block once; the plan is the checklist, in place, and nothing else was lost.
    const planBlocks = slack.calls.filter((call) => JSON.stringify(call.args.blocks ?? []).includes('"type":"plan"'));
    expect(planBlocks).toHaveLength(1);
    const checklist = slack
      .thread("D7", "1690000070.000100")
      .filter((m) => JSON.stringify(m.blocks).includes("*Plan*"));
    expect(checklist).toHaveLength(1);
    await waitFor(() => (checklist[0]?.updates ?? 0) > 0, 5000);
    for (const message of slack.thread("D7", "1690000070.000100"))
      expect(blockKitProblem(message.blocks, slack)).toBeUndefined();

    // A second session in a channel thread goes straight to the checklist.
    const calls = slack.calls.length;
    const mention = {
      type: "app_mention",
      user: "UBOB",
      text: `<@UBOT> ${REPLAY_TASK}`,
      ts: "1690000071.000100",
      channel: "C7",
    };
    expect((await sendToSlackReceiver(url, SECRET, eventEnvelope("EvPlanThread", mention))).status).toBe(200);
    await waitFor(
      () => slack.thread("C7", "1690000071.000100").some((m) => JSON.stringify(m.blocks).includes("*Plan*")),
      60_000,
    );
    expect(
      slack.calls.slice(calls).filter((call) => JSON.stringify(call.args.blocks ?? []).includes('"type":"plan"')),
    ).toEqual([]);
  }, 120_000);
});
