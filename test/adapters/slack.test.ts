import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/compose/app.ts";
import { REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { startSlackTestApp } from "../helpers/slack-app.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { blockKitProblem, FakeSlack, type FakeSlackMessage } from "../helpers/fake-slack.ts";
import { buttonClick, eventEnvelope, sendToSlackReceiver, slashCommand } from "../helpers/slack-requests.ts";
import { itKeepsSecretsOutOfLogs } from "../helpers/log.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

type SlackButton = { action_id: string; value: string; text: { text: string } };

/** The buttons of the newest message in a thread that has some. */
function buttonsIn(messages: FakeSlackMessage[]): { ts: string; buttons: SlackButton[] } | undefined {
  for (const message of [...messages].reverse()) {
    const actions = message.blocks.find((block) => block.type === "actions");
    if (actions !== undefined) return { ts: message.ts, buttons: actions.elements as SlackButton[] };
  }
  return undefined;
}

describe("Slack over bolt's HTTP receiver, against a fake Slack Web API", () => {
  const home = tempStateDir("codemem-slack-");
  const slack = new FakeSlack();
  let app: App;
  let url: string;
  const send = (body: string, options: Parameters<typeof sendToSlackReceiver>[3] = {}) =>
    sendToSlackReceiver(url, SECRET, body, options);

  beforeAll(async () => {
    await slack.start();
    // A Slack user group approves: its members (UOPS in the fake) may answer anyone's session.
    app = await startSlackTestApp(slack, home.dir, { SLACK_SIGNING_SECRET: SECRET, CODEMEM_APPROVERS: "slack:SOPS" });
    url = app.surfaces[0]?.url as string;
  });
  afterAll(async () => {
    await app?.close();
    await slack.close();
    home.cleanup();
  });

  it("should refuse a forged signature, a stale timestamp and a malformed body with 401 before any listener", async () => {
    const body = eventEnvelope("EvForged", {
      type: "app_mention",
      user: "UALICE",
      text: "<@UBOT> skills",
      ts: "1690000001.000100",
      channel: "C1",
    });
    expect((await send(body, { signature: "v0=deadbeef" })).status).toBe(401);
    expect((await send(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await sendToSlackReceiver(url, "not-the-secret", body)).status).toBe(401);
    expect((await send("{not json", { signature: "v0=00" })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.calls.filter((call) => call.method.startsWith("chat."))).toEqual([]);
  });

  it("should answer a command mention once, even when Slack retries the event", async () => {
    const body = eventEnvelope("EvRetry1", {
      type: "app_mention",
      user: "UALICE",
      text: "<@UBOT> skills",
      ts: "1690000002.000100",
      channel: "C1",
    });
    expect((await send(body)).status).toBe(200);
    expect((await send(body, { retryNum: 1 })).status).toBe(200);
    await waitFor(() => slack.callsTo("chat.postEphemeral").length > 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answers = slack.callsTo("chat.postEphemeral");
    expect(answers).toHaveLength(1);
    expect(answers[0]?.args).toMatchObject({ channel: "C1", user: "UALICE", thread_ts: "1690000002.000100" });
    expect(String(answers[0]?.args.text)).toMatch(/^archive-attachments v1 — /);
  });

  it("should let Slack's retry of a mention through when queueing its turn failed the first time", async () => {
    const body = eventEnvelope("EvFailover", {
      type: "app_mention",
      user: "UALICE",
      text: `<@UBOT> ${REPLAY_TASK}`,
      ts: "1690000011.000100",
      channel: "C11",
    });
    // Redis fails over just as the turn is queued: the event is not acked, so Slack sends it again.
    const queue = app.bot.queue;
    const add = queue.add.bind(queue);
    let failures = 1;
    queue.add = ((...args: Parameters<typeof add>) =>
      failures-- > 0
        ? Promise.reject(new Error("READONLY You can't write against a read only replica."))
        : add(...args)) as typeof queue.add;
    try {
      expect((await send(body)).status).toBe(500);
      expect((await send(body, { retryNum: 1 })).status).toBe(200);
      // A third delivery of the same event starts nothing more.
      expect((await send(body, { retryNum: 2 })).status).toBe(200);
    } finally {
      queue.add = add as typeof queue.add;
    }
    await waitFor(
      () => slack.thread("C11", "1690000011.000100").some((m) => m.blocks.some((b) => b.type === "actions")),
      60_000,
    );
    const jobs = await queue.getJobs(["completed", "active", "waiting", "delayed"]);
    expect(jobs.filter((job) => job.data.thread.channel === "C11")).toHaveLength(1);
  }, 90_000);

  it("should answer /codemem help to the caller only, acked at once", async () => {
    const before = slack.responses.length;
    const reply = await send(slashCommand("UBOB", "C2", "help", slack.responseUrl("cmd1")), { form: true });
    expect(reply.status).toBe(200);
    await waitFor(() => slack.responses.length > before, 10_000);
    expect(slack.responses.at(-1)).toMatchObject({ response_type: "ephemeral" });
    // mrkdwn: Slack shows "&lt;" as "<", and a raw "<" would start a link.
    expect(JSON.stringify(slack.responses.at(-1))).toContain("/codemem run &lt;skill&gt; [json]");
  });

  it("should start one run for a slash command Slack sent once and an attacker replayed within five minutes", async () => {
    const before = (await app.runtime.progress.recent(50)).length;
    const body = slashCommand("UALICE", "C7", 'run archive-attachments {"days": 1}', slack.responseUrl("replayed"));
    const responses = slack.responses.length;
    expect((await send(body, { form: true })).status).toBe(200);
    expect((await send(body, { form: true })).status).toBe(200);
    await waitFor(() => slack.responses.length >= responses + 2, 10_000);
    const answers = slack.responses.slice(responses).map((response) => JSON.stringify(response));
    expect(answers.filter((answer) => answer.includes("Started "))).toHaveLength(1);
    expect(answers.filter((answer) => answer.includes("That command was already taken once"))).toHaveLength(1);
    expect((await app.runtime.progress.recent(50)).length).toBe(before + 1);
  });

  it("should drop a workspace it does not serve, and tell a Slack Connect guest it serves its own people", async () => {
    // Nothing at all goes to the foreign workspace's channel (other tests' runs may still be posting elsewhere).
    const posted = () => slack.calls.filter((call) => call.method.startsWith("chat.") && call.args.channel === "C9");
    const foreign = JSON.parse(
      eventEnvelope("EvForeign", {
        type: "app_mention",
        user: "UEVE",
        text: "<@UBOT> audit",
        ts: "1690000009.000100",
        channel: "C9",
      }),
    ) as Record<string, unknown>;
    foreign.team_id = "T9";
    expect((await send(JSON.stringify(foreign))).status).toBe(200);
    const responses = slack.responses.length;
    const command = new URLSearchParams(slashCommand("UEVE", "C9", "skills", slack.responseUrl("foreign")));
    command.set("team_id", "T9");
    expect((await send(command.toString(), { form: true })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(posted()).toEqual([]);
    expect(slack.responses.length).toBe(responses);

    // A guest from another organization in a shared channel of ours: told, and nothing else happens.
    const guest = eventEnvelope("EvGuest", {
      type: "app_mention",
      user: "UGUEST",
      user_team: "T9",
      text: `<@UBOT> ${REPLAY_TASK}`,
      ts: "1690000010.000100",
      channel: "C1",
    });
    expect((await send(guest)).status).toBe(200);
    await waitFor(() => slack.callsTo("chat.postEphemeral").some((call) => call.args.user === "UGUEST"), 10_000);
    const notice = slack.callsTo("chat.postEphemeral").find((call) => call.args.user === "UGUEST");
    expect(notice?.args).toMatchObject({ channel: "C1", text: "I work for the people of Example only." });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.thread("C1", "1690000010.000100")).toEqual([]);
    const click = buttonClick(
      "UGUEST",
      "C1",
      "1690000010.000100",
      { value: "{}", action_id: "codemem:x" },
      slack.responseUrl("guest"),
    );
    const clickPayload = JSON.parse(new URLSearchParams(click).get("payload") as string) as {
      user: { team_id: string };
    };
    clickPayload.user.team_id = "T9";
    const before = slack.responses.length;
    await send(new URLSearchParams({ payload: JSON.stringify(clickPayload) }).toString(), { form: true });
    await waitFor(() => slack.responses.length > before, 10_000);
    expect(slack.responses.at(-1)).toMatchObject({
      response_type: "ephemeral",
      text: "I work for the people of Example only.",
    });
  });

  it("should run the example in a thread: plan in place, samples, buttons, a stranger refused privately, Approve runs it", async () => {
    const root = "1690000003.000100";
    const mention = eventEnvelope("EvTask", {
      type: "app_mention",
      user: "UALICE",
      text: `<@UBOT> ${REPLAY_TASK}`,
      ts: root,
      channel: "C3",
    });
    expect((await send(mention)).status).toBe(200);
    await waitFor(() => buttonsIn(slack.thread("C3", root)) !== undefined, 60_000);
    const question = buttonsIn(slack.thread("C3", root)) as { ts: string; buttons: SlackButton[] };
    expect(question.buttons.map((b) => b.text.text)).toEqual(["Yes, add a dedup memory", "No memory needed"]);
    // The plan is one message, Slack's native plan block, updated in place.
    const plan = () => slack.thread("C3", root).filter((m) => m.blocks.some((b) => b.type === "plan"));
    expect(plan()).toHaveLength(1);
    await waitFor(() => (plan()[0]?.updates ?? 0) > 0, 5000);
    const planBlock = plan()[0]?.blocks.find((b) => b.type === "plan") as
      | { tasks: { type: string; status: string }[] }
      | undefined;
    const tasks = planBlock?.tasks ?? [];
    expect(tasks.length).toBeGreaterThan(2);
    expect(tasks.every((task) => task.type === "task_card")).toBe(true);
    expect(tasks.some((task) => task.status === "complete")).toBe(true);
    expect(slack.thread("C3", root).some((m) => m.text.includes("Sample of outlook__list_messages"))).toBe(true);

    // A stranger clicks first: an ephemeral refusal for them, the message unchanged.
    const responses = slack.responses.length;
    await send(
      buttonClick("UMALLORY", "C3", question.ts, question.buttons[0] as SlackButton, slack.responseUrl("c1")),
      { form: true },
    );
    await waitFor(() => slack.responses.length > responses, 10_000);
    expect(slack.responses.at(-1)).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(JSON.stringify(slack.responses.at(-1))).toContain(
      "Only <@UALICE> or an approver (<!subteam^SOPS>) can answer this.",
    );
    expect(buttonsIn(slack.thread("C3", root))?.ts).toBe(question.ts);

    // The requester's click after it still works, and shows at once.
    await send(buttonClick("UALICE", "C3", question.ts, question.buttons[0] as SlackButton, slack.responseUrl("c2")), {
      form: true,
    });
    await waitFor(() => slack.responses.length > responses + 1, 10_000);
    expect(slack.responses.at(-1)).toMatchObject({ replace_original: true });
    expect(JSON.stringify(slack.responses.at(-1))).toContain("by <@UALICE> · working…");

    await waitFor(
      () => buttonsIn(slack.thread("C3", root))?.buttons.some((b) => b.text.text === "Approve") === true,
      60_000,
    );
    const proposal = buttonsIn(slack.thread("C3", root)) as { ts: string; buttons: SlackButton[] };
    const approve = proposal.buttons.find((b) => b.text.text === "Approve") as SlackButton & { confirm?: unknown };
    expect(approve.confirm).toBeDefined();
    // A member of the approvers' user group approves.
    await send(buttonClick("UOPS", "C3", proposal.ts, approve, slack.responseUrl("c3")), { form: true });
    await waitFor(
      () => slack.thread("C3", root).some((m) => /Run r\w+ of archive-attachments v2 finished/.test(m.text)),
      60_000,
    );
    // The progress message reaches its final state within Slack's pace of one update a second.
    await waitFor(() => slack.thread("C3", root).some((m) => /Ran archive-attachments v2/.test(m.text)), 5000);
    const progress = slack.thread("C3", root).find((m) => /Ran archive-attachments v2/.test(m.text));
    expect(progress?.text).toMatch(/Progress: (\d+)\/\1/);
    expect(slack.callsTo("usergroups.users.list")[0]?.args).toMatchObject({ usergroup: "SOPS" });

    // Every payload Slack got was within Block Kit's limits.
    for (const call of slack.calls.filter((c) => c.method.startsWith("chat.") && c.args.blocks !== undefined)) {
      expect(blockKitProblem(call.args.blocks)).toBeUndefined();
    }
  }, 120_000);

  it("should stop at start with one line when Slack refuses the bot token", async () => {
    await expect(
      startSlackTestApp(slack, home.dir, { SLACK_BOT_TOKEN: "xoxb-revoked", SLACK_SIGNING_SECRET: SECRET }),
    ).rejects.toThrow(
      "slack: SLACK_BOT_TOKEN was refused (invalid_auth); copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
    );
  });

  it("should publish the Home tab with the skills, schedules and latest runs", async () => {
    const body = eventEnvelope("EvHome", {
      type: "app_home_opened",
      user: "UALICE",
      channel: "D1",
      tab: "home",
      ts: "1690000009.000100",
    });
    expect((await send(body)).status).toBe(200);
    await waitFor(() => slack.callsTo("views.publish").length > 0, 10_000);
    const publish = slack.callsTo("views.publish")[0]?.args as {
      user_id: string;
      view: { type: string; blocks: unknown[] };
    };
    expect(publish.user_id).toBe("UALICE");
    expect(publish.view.type).toBe("home");
    const shown = JSON.stringify(publish.view.blocks);
    expect(shown).toContain("*Skills*");
    expect(shown).toContain("`archive-attachments` v2");
    expect(shown).toContain("*Latest runs*");
    expect(blockKitProblem(publish.view.blocks.slice(0, 50))).toBeUndefined();
  });

  it("should take a direct message as a mention, and leave bot posts, edits and channel chatter alone", async () => {
    const chat = () => slack.calls.filter((call) => call.method.startsWith("chat.")).length;
    const before = chat();
    const ignored = [
      {
        type: "message",
        channel: "C4",
        channel_type: "channel",
        user: "UALICE",
        text: "lunch?",
        ts: "1690000020.000100",
      },
      {
        type: "message",
        channel: "C4",
        channel_type: "channel",
        bot_id: "BOTHER",
        user: "UOTHER",
        text: "skills",
        ts: "1690000020.000200",
        thread_ts: "1690000003.000100",
      },
      { type: "message", subtype: "message_changed", channel: "C4", channel_type: "channel", ts: "1690000020.000300" },
      {
        type: "message",
        channel: "C4",
        channel_type: "channel",
        user: "UALICE",
        text: "a reply nobody waits for",
        ts: "1690000020.000400",
        thread_ts: "1690000020.000100",
      },
    ];
    for (const [index, event] of ignored.entries())
      expect((await send(eventEnvelope(`EvIgnored${index}`, event))).status).toBe(200);
    const dm = {
      type: "message",
      channel: "D7",
      channel_type: "im",
      user: "UALICE",
      text: "skills",
      ts: "1690000021.000100",
    };
    expect((await send(eventEnvelope("EvDm", dm))).status).toBe(200);
    await waitFor(() => slack.callsTo("chat.postEphemeral").some((call) => call.args.channel === "D7"), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Only the direct message was answered.
    expect(chat() - before).toBe(1);
  });

  it("should cut a text too long for a section and attach all of it as a file in the thread", async () => {
    const long = `${"const line = 'archive';\n".repeat(400)}// THE END`;
    const thread = { platform: "slack", channel: "C5", thread: "1690000030.000100" };
    const ref = await app.outbox.post(thread, {
      blocks: [{ type: "code", language: "typescript", title: "Probe", source: long }],
    });
    await waitFor(() => slack.files.some((file) => file.content.length > 0 && file.channel === "C5"), 10_000);
    const file = slack.files.find((f) => f.channel === "C5");
    expect(file).toMatchObject({ thread_ts: "1690000030.000100", title: "Probe", filename: "Probe.txt" });
    expect(file?.content).toBe(long);
    const posted = slack.thread("C5", "1690000030.000100").at(0);
    expect(posted?.text).toContain(`/codemem show ${ref.id} 1 shows all of it`);
    expect(blockKitProblem(posted?.blocks)).toBeUndefined();
  });

  it("should answer Slack's URL verification and refuse a button that is not ours with a private notice", async () => {
    const challenge = await send(
      JSON.stringify({
        token: "unused",
        challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        type: "url_verification",
      }),
    );
    expect(challenge.status).toBe(200);
    expect(challenge.body).toContain("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    const before = slack.responses.length;
    const forged = { action_id: "codemem:0", value: '{"sessionId":"x"' };
    expect(
      (await send(buttonClick("UEVE", "C1", "1690000000.000900", forged, slack.responseUrl("f1")), { form: true }))
        .status,
    ).toBe(200);
    await waitFor(() => slack.responses.length > before, 10_000);
    expect(slack.responses.at(-1)).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
      text: "That button is not one of mine.",
    });
  });

  it("should keep Slack's pace of about one new message a second per channel after a short burst", async () => {
    const thread = { platform: "slack", channel: "C6", thread: "1690000040.000100" };
    for (let n = 1; n <= 12; n++) await app.outbox.post(thread, { blocks: [{ type: "text", text: `burst ${n}` }] });
    await waitFor(() => slack.thread("C6", "1690000040.000100").length === 12, 20_000);
    const times = slack.thread("C6", "1690000040.000100").map((message) => message.at);
    expect(slack.thread("C6", "1690000040.000100").map((m) => m.text)).toEqual(
      Array.from({ length: 12 }, (_, i) => `burst ${i + 1}`),
    );
    // Eight go at once; the last four wait about a second each.
    expect((times[11] as number) - (times[0] as number)).toBeGreaterThanOrEqual(3000);
  }, 30_000);
});

itKeepsSecretsOutOfLogs();
