import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClickResult } from "../../src/core/bot.ts";
import type { CommandValue, UiMessage } from "../../src/ui/message.ts";
import { renderText } from "../../src/ui/render-text.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { ConsoleClient } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";
import { saveFailingSkill } from "../helpers/runtime.ts";

/** The command buttons of a message, by label. */
function commandButtons(message: UiMessage): Map<string, CommandValue> {
  const found = new Map<string, CommandValue>();
  for (const block of message.blocks)
    if (block.type === "actions") for (const b of block.buttons) found.set(b.label, b.value);
  return found;
}

async function runsAs(url: string, user: string, skill?: string): Promise<UiMessage> {
  const query = `user=${encodeURIComponent(user)}${skill ? `&skill=${skill}` : ""}`;
  return ((await (await fetch(`${url}api/runs?${query}`)).json()) as { message: UiMessage }).message;
}

describe("run history and schedules that pause themselves, in the console, as three people", () => {
  let app: TestConsoleApp;
  let url: string;
  let alice: ConsoleClient;
  let bob: ConsoleClient;
  const click = (who: ConsoleClient, value: CommandValue): Promise<ClickResult> => who.click(value as never);

  beforeAll(async () => {
    app = await startTestConsoleApp({ CODEMEM_APPROVERS: "console:olga", DEMO_MAILBOX_SIZE: "40" });
    url = app.web.url;
    alice = new ConsoleClient(url, "alice");
    bob = new ConsoleClient(url, "bob");
  }, 120_000);
  afterAll(async () => app?.close());

  it("lists who ran what with which values, and runs one again for its requester only", async () => {
    const thread = await alice.send('/codemem run archive-attachments {"days": 4, "useMemory": false}');
    await waitFor(async () => {
      const [id] = await app.app.runtime.progress.recent(1);
      return id !== undefined && (await app.app.runtime.status(id))?.finishedAt !== undefined;
    }, 60_000);
    const [firstId] = await app.app.runtime.progress.recent(1);
    const first = (await app.app.runtime.status(firstId as string))!;

    const mine = await runsAs(url, "alice");
    const line = renderText(mine);
    expect(line).toContain(`${firstId} archive-attachments v1 by @alice`);
    expect(line).toContain('values {"days":4,"useMemory":false');
    expect(line).toContain(`completed in`);
    expect(line).toContain(`done ${first.done}, skipped ${first.skipped}, failed 0 of ${first.total}`);
    const rerun = commandButtons(mine).get("Run again with these values");
    expect(rerun).toEqual({ command: "rerun", target: firstId });

    // Bob sees what ran and how it went, not the values, and no button; pressing Alice's is refused.
    const his = await runsAs(url, "bob");
    expect(renderText(his)).toContain(`${firstId} archive-attachments v1 by @alice`);
    expect(renderText(his)).not.toContain("values");
    expect(commandButtons(his).size).toBe(0);
    expect((await click(bob, rerun!)).kind).toBe("refused");
    expect((await app.app.runtime.progress.recent(10)).length).toBe(1);

    // Alice's click starts one run with the same values, however fast she clicks twice.
    const [started, again] = await Promise.all([click(alice, rerun!), click(alice, rerun!)]);
    expect([started.kind, again.kind].sort()).toEqual(["done", "stale"]);
    const done = started.kind === "done" ? started : again;
    expect(renderText((done as { notice: UiMessage }).notice)).toContain(`with the values of ${firstId}`);
    await waitFor(async () => (await app.app.runtime.progress.recent(10)).length === 2, 10_000);
    const [secondId] = await app.app.runtime.progress.recent(1);
    const second = await app.app.runtime.status(secondId as string);
    expect(second).toMatchObject({ requester: "console:alice", params: first.params, thread: first.thread });

    // The same list in the thread: /codemem runs <skill>, private to whoever asked.
    await alice.send("/codemem runs archive-attachments", thread);
    await waitFor(
      async () =>
        (await alice.messages(thread)).some((m) =>
          renderText(m.message).includes("Latest runs of archive-attachments"),
        ),
      10_000,
    );
    const shown = (await alice.messages(thread)).find((m) => renderText(m.message).includes("Latest runs of"));
    expect(shown?.visibleTo).toBe("alice");
    expect(renderText(shown!.message)).toContain(String(secondId));
    expect((await bob.messages(thread)).some((m) => renderText(m.message).includes("Latest runs of"))).toBe(false);
    await alice.send("/codemem runs no-such-skill", thread);
    await waitFor(
      async () =>
        (await alice.messages(thread)).some((m) => renderText(m.message).includes('There is no skill "no-such-skill"')),
      10_000,
    );
  }, 120_000);

  it("pauses a failing schedule, tells its owners in its thread, and lets only them resume it", async () => {
    await saveFailingSkill(app.app.skills, "console:alice", "console:olga");
    const thread = await alice.send('/codemem schedule flaky-report "* * * * * *"');
    let paused: UiMessage | undefined;
    await waitFor(async () => {
      paused = (await alice.messages(thread)).map((m) => m.message).find((m) => commandButtons(m).has("Resume"));
      return paused !== undefined;
    }, 60_000);
    const text = renderText(paused!);
    expect(text).toContain("flaky-report");
    expect(text).toContain("3 runs in a row failed");
    expect(text).toMatch(/@alice|@olga/);
    const resume = commandButtons(paused!).get("Resume")!;
    const lastError = commandButtons(paused!).get("Show the last error")!;

    await alice.send("/codemem schedules", thread);
    await waitFor(
      async () =>
        (await alice.messages(thread)).some((m) => /paused since .*3 runs in a row failed/.test(renderText(m.message))),
      10_000,
    );

    // Bob owns nothing here: neither the error nor the resume is his.
    expect((await click(bob, lastError)).kind).toBe("refused");
    expect((await click(bob, resume)).kind).toBe("refused");
    const error = await click(alice, lastError);
    expect(error.kind).toBe("done");
    expect(renderText((error as { notice: UiMessage }).notice)).toContain("the report source is gone");
    const resumed = await click(alice, resume);
    expect(resumed.kind).toBe("done");
    await waitFor(
      async () => (await bob.messages(thread)).some((m) => renderText(m.message).includes("Resumed schedule")),
      10_000,
    );
    // A late second press finds it running.
    const late = await click(alice, resume);
    expect(late.kind).toBe("stale");
    expect(renderText((late as { notice: UiMessage }).notice)).toContain("is running already");
    await alice.send(`/codemem unschedule ${resume.target}`, thread);
    await waitFor(
      async () =>
        (await bob.messages(thread)).some((m) => renderText(m.message).includes(`Removed schedule ${resume.target}`)),
      10_000,
    );
  }, 120_000);
});
