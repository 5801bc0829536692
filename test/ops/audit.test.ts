import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { renderText } from "../../src/ui/render-text.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { runCodemem } from "../helpers/cli.ts";
import { ConsoleClient } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";

/** `codemem <args>` against the app's Redis and prefix. */
const codemem = (app: TestConsoleApp, args: string[]) =>
  runCodemem(args, { cwd: app.home, env: { ...process.env, ...app.env } });

describe("the audit trail of the running example", () => {
  let app: TestConsoleApp;
  beforeAll(async () => {
    app = await startTestConsoleApp({ CODEMEM_APPROVERS: "console:boss" });
  });
  afterAll(async () => {
    await app?.close();
  });

  it("should record the refused clicks, the approval and the run, and show them to approvers only", async () => {
    const alice = new ConsoleClient(app.web.url, "alice");
    const mallory = new ConsoleClient(app.web.url, "mallory");
    const boss = new ConsoleClient(app.web.url, "boss");
    const thread = await alice.send(`@codemem ${REPLAY_TASK}`);
    const question = await alice.buttons(thread, "question");
    expect((await mallory.click(question[0]!.value)).kind).toBe("refused");
    expect((await alice.click(question[0]!.value)).kind).toBe("accepted");
    const approve = (await alice.buttons(thread, "proposal")).find((button) => button.value.choice === "approve")!;
    // The shipped skill belongs to the approvers: the approver's Approve makes alice's proposal its v2.
    expect((await boss.click(approve.value)).kind).toBe("accepted");
    await waitFor(
      async () =>
        (await alice.messages(thread)).some((entry) =>
          /Run r\w+ of archive-attachments v2 finished/.test(renderText(entry.message)),
        ),
      60_000,
    );

    // The export: one JSON object a line, newest first.
    const exported = await codemem(app, ["audit", "--json"]);
    expect(exported.stderr).toBe("");
    expect(exported.code).toBe(0);
    const records = exported.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .reverse();
    expect(records.map((record) => [record.action, record.who])).toEqual([
      ["click_refused", "console:mallory"],
      ["approve", "console:boss"],
      ["run", "console:alice"],
    ]);
    expect(records[1]).toMatchObject({ skill: "archive-attachments", version: 2, thread: `console/local/${thread}` });
    expect(records[2]).toMatchObject({ skill: "archive-attachments", version: 2, detail: expect.stringMatching(/^r/) });
    expect(
      records.every((record) => typeof record.at === "string" && !Number.isNaN(Date.parse(record.at as string))),
    ).toBe(true);

    // In the thread: an approver reads it; anyone else is told who may, privately.
    await boss.send("/codemem audit archive-attachments", thread);
    await alice.send("/codemem audit", thread);
    const privately = async (client: ConsoleClient) =>
      (await client.messages(thread))
        .filter((entry) => entry.visibleTo === client.user)
        .map((entry) => renderText(entry.message))
        .join("\n");
    await waitFor(async () => (await privately(boss)).includes("approve") && (await privately(alice)) !== "", 10_000);
    expect(await privately(boss)).toMatch(/@alice run archive-attachments v2 \(r\w+\)/);
    expect(await privately(boss)).toMatch(/@boss approve archive-attachments v2/);
    expect(await privately(alice)).toBe("Only approvers (CODEMEM_APPROVERS) may read the audit log.");
  }, 120_000);

  it("should record schedule changes and rollbacks with who made them", async () => {
    const alice = new ConsoleClient(app.web.url, "alice");
    const thread = await alice.send('/codemem schedule archive-attachments "0 8 * * 1-5" Europe/Paris');
    await waitFor(async () => (await app.app.audit.latest({ count: 1 }))[0]?.action === "schedule", 10_000);
    const [schedule] = await app.app.audit.latest({ count: 1 });
    const id = /^(sch-\S+)/.exec(schedule?.detail ?? "")?.[1] as string;
    await alice.send(`/codemem unschedule ${id}`, thread);
    await alice.send("/codemem rollback archive-attachments 1", thread);
    await waitFor(async () => (await app.app.audit.latest({ count: 1 }))[0]?.action === "rollback", 10_000);
    const latest = (await app.app.audit.latest({ skill: "archive-attachments", count: 3 })).reverse();
    expect(latest.map((record) => [record.action, record.who, record.detail])).toEqual([
      ["schedule", "console:alice", `${id} "0 8 * * 1-5" Europe/Paris`],
      ["unschedule", "console:alice", id],
      ["rollback", "console:alice", "from v2"],
    ]);
    expect(latest[2]?.version).toBe(1);
  }, 60_000);
});
