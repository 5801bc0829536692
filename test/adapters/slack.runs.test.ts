import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/compose/app.ts";
import { startSlackTestApp } from "../helpers/slack-app.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { saveFailingSkill } from "../helpers/runtime.ts";
import { blockKitProblem, FakeSlack, type FakeSlackMessage } from "../helpers/fake-slack.ts";
import { buttonClick, eventEnvelope, sendToSlackReceiver, slashCommand } from "../helpers/slack-requests.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

type SlackButton = { action_id: string; value: string; text: { text: string } };

/** Buttons by label in a list of Block Kit blocks. */
function buttonsOf(blocks: readonly Record<string, unknown>[]): Map<string, SlackButton> {
  const found = new Map<string, SlackButton>();
  for (const block of blocks)
    if (block.type === "actions") for (const b of block.elements as SlackButton[]) found.set(b.text.text, b);
  return found;
}

describe("run history on Slack's Home tab, and a schedule that pauses itself in its Slack thread", () => {
  const home = tempStateDir("codemem-slack-runs-");
  const slack = new FakeSlack();
  let app: App;
  let url: string;
  const send = (body: string, options: Parameters<typeof sendToSlackReceiver>[3] = {}) =>
    sendToSlackReceiver(url, SECRET, body, options);
  const click = async (user: string, message: { channel: string; ts: string }, button: SlackButton, id: string) => {
    const before = slack.responses.length;
    const body = buttonClick(user, message.channel, message.ts, button, slack.responseUrl(id));
    expect((await send(body, { form: true })).status).toBe(200);
    await waitFor(() => slack.responses.length > before, 10_000);
    return slack.responses.at(-1) as Record<string, unknown>;
  };
  const openHome = async (user: string, eventId: string) => {
    const before = slack.callsTo("views.publish").length;
    const body = eventEnvelope(eventId, {
      type: "app_home_opened",
      user,
      channel: "D1",
      tab: "home",
      ts: "1690000009.000100",
    });
    expect((await send(body)).status).toBe(200);
    await waitFor(() => slack.callsTo("views.publish").length > before, 10_000);
    return slack.callsTo("views.publish").at(-1)?.args as {
      user_id: string;
      view: { blocks: Record<string, unknown>[] };
    };
  };

  beforeAll(async () => {
    await slack.start();
    app = await startSlackTestApp(slack, home.dir, {
      SLACK_SIGNING_SECRET: SECRET,
      CODEMEM_APPROVERS: "slack:UOLGA",
      DEMO_MAILBOX_SIZE: "40",
    });
    url = app.surfaces[0]?.url as string;
  });
  afterAll(async () => {
    await app?.close();
    await slack.close();
    home.cleanup();
  });

  it("shows each person the latest runs on Home, with Run again for the requester, and runs it again", async () => {
    const reply = await send(
      slashCommand(
        "UALICE",
        "C1",
        'run archive-attachments {"days": 3, "useMemory": false}',
        slack.responseUrl("run1"),
      ),
      { form: true },
    );
    expect(reply.status).toBe(200);
    await waitFor(async () => {
      const [id] = await app.runtime.progress.recent(1);
      return id !== undefined && (await app.runtime.status(id))?.finishedAt !== undefined;
    }, 60_000);
    const [runId] = await app.runtime.progress.recent(1);
    // The summary shows the run's items as Slack's table block (the fake checks it as Slack would).
    let summary: FakeSlackMessage | undefined;
    await waitFor(() => {
      summary = [...slack.messages.values()].find((m) => m.channel === "C1" && m.text.includes(`Run ${runId} of`));
      return summary !== undefined;
    }, 10_000);
    const table = summary?.blocks.find((block) => block.type === "table") as { rows: { text: string }[][] };
    expect(table.rows[0]?.map((cell) => cell.text)).toEqual(["Item", "Outcome"]);
    expect(table.rows.length).toBeGreaterThan(1);
    expect(table.rows[1]?.[1]?.text).toBe("done");

    const alices = await openHome("UALICE", "EvHomeA");
    expect(alices.user_id).toBe("UALICE");
    const shown = JSON.stringify(alices.view.blocks);
    expect(shown).toContain("*Latest runs*");
    expect(shown).toContain(`\`${runId}\` archive-attachments v1 by <@UALICE>`);
    expect(shown).toContain('values `{\\"days\\":3');
    expect(blockKitProblem(alices.view.blocks.slice(0, 50))).toBeUndefined();
    const rerun = buttonsOf(alices.view.blocks).get("Run again with these values");
    expect(JSON.parse(rerun!.value)).toEqual({ command: "rerun", target: runId });

    const bobs = await openHome("UBOB", "EvHomeB");
    expect(JSON.stringify(bobs.view.blocks)).toContain(`\`${runId}\``);
    expect(JSON.stringify(bobs.view.blocks)).not.toContain("values");
    expect(buttonsOf(bobs.view.blocks).has("Run again with these values")).toBe(false);

    // Bob forging Alice's button is refused privately; Alice's click starts one run and says so to her.
    const home = { channel: "D1", ts: "1690000009.000100" };
    const refused = await click("UBOB", home, rerun!, "rerun-bob");
    expect(refused).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(JSON.stringify(refused)).toContain("Only the run's requester");
    expect((await app.runtime.progress.recent(10)).length).toBe(1);
    const started = await click("UALICE", home, rerun!, "rerun-alice");
    expect(JSON.stringify(started)).toContain(`with the values of ${runId}`);
    await waitFor(async () => (await app.runtime.progress.recent(10)).length === 2, 10_000);
    const [again] = await app.runtime.progress.recent(1);
    expect((await app.runtime.status(again as string))?.requester).toBe("slack:UALICE");
  }, 120_000);

  it("pauses a failing schedule in its thread, naming its owners, and lets only them resume it", async () => {
    await saveFailingSkill(app.skills, "slack:UALICE", "slack:UOLGA");
    const reply = await send(
      slashCommand("UALICE", "C5", 'schedule flaky-report "* * * * * *"', slack.responseUrl("sch")),
      { form: true },
    );
    expect(reply.status).toBe(200);
    let paused: FakeSlackMessage | undefined;
    await waitFor(() => {
      paused = [...slack.messages.values()].find((m) => m.channel === "C5" && buttonsOf(m.blocks).has("Resume"));
      return paused !== undefined;
    }, 60_000);
    expect(paused?.thread_ts).toBeDefined();
    expect(paused?.text).toContain("3 runs in a row failed");
    expect(JSON.stringify(paused?.blocks)).toMatch(/<@UALICE>.*<@UOLGA>|<@UOLGA>.*<@UALICE>/);
    expect(blockKitProblem(paused!.blocks)).toBeUndefined();
    const buttons = buttonsOf(paused!.blocks);

    const bobs = await click("UBOB", paused!, buttons.get("Resume")!, "resume-bob");
    expect(bobs.response_type).toBe("ephemeral");
    expect(JSON.stringify(bobs)).toContain("Only its owner <@UALICE> or an approver (<@UOLGA>) can resume");
    const error = await click("UOLGA", paused!, buttons.get("Show the last error")!, "error-olga");
    expect(JSON.stringify(error)).toContain("the report source is gone");
    const resumed = await click("UALICE", paused!, buttons.get("Resume")!, "resume-alice");
    expect(JSON.stringify(resumed)).toContain("Resumed schedule");
    await waitFor(
      () => slack.thread("C5", paused!.thread_ts as string).some((m) => m.text.includes("Resumed schedule")),
      10_000,
    );
    const id = JSON.parse(buttons.get("Resume")!.value).target as string;
    await send(slashCommand("UALICE", "C5", `unschedule ${id}`, slack.responseUrl("unsch")), { form: true });
    await waitFor(() => JSON.stringify(slack.responses.at(-1)).includes(`Removed schedule`), 10_000);
  }, 120_000);
});
