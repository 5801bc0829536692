import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { Quotas } from "../../src/limits/quotas.ts";
import { renderText } from "../../src/ui/render-text.ts";
import { startTestConsoleApp } from "../helpers/app.ts";
import { ConsoleClient } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";

const TASK =
  "@codemem archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company, skip internal senders";

async function privateLines(person: ConsoleClient, thread: string): Promise<string[]> {
  return (await person.messages(thread))
    .filter((entry) => entry.visibleTo === person.user)
    .map((entry) => renderText(entry.message));
}

describe("limits per person (the console, as mallory who overdoes it and alice who does not)", () => {
  let running: Awaited<ReturnType<typeof startTestConsoleApp>>;
  beforeAll(async () => {
    running = await startTestConsoleApp({
      CODEMEM_LIMIT_SESSIONS_PER_HOUR: "2",
      CODEMEM_LIMIT_RUNS_PER_HOUR: "2",
    });
  });
  afterAll(async () => {
    await running?.close();
  });

  it("should refuse mallory's third session of the hour privately while alice's goes on", async () => {
    const mallory = new ConsoleClient(running.web.url, "mallory");
    const alice = new ConsoleClient(running.web.url, "alice");
    const first = await mallory.send(TASK);
    await mallory.send(TASK);
    const third = await mallory.send(TASK);
    await waitFor(async () => (await privateLines(mallory, third)).length === 1, 10_000);
    expect((await privateLines(mallory, third))[0]).toBe(
      "You started 2 sessions in the last hour, the most one person may; it frees in 30 min.",
    );
    // Nothing was queued for it: no session, nothing else in its thread.
    expect((await mallory.messages(third)).filter((entry) => entry.visibleTo === undefined)).toHaveLength(1);
    const audit = await running.app.audit.latest({ count: 10 });
    expect(audit.find((entry) => entry.action === "limit_refused")).toMatchObject({
      who: "console:mallory",
      detail: "sessions",
    });
    // alice is not held back by mallory, and mallory's first sessions go on.
    const aliceThread = await alice.send(TASK);
    await alice.buttons(aliceThread, "question", 30_000);
    await mallory.buttons(first, "question", 30_000);
  }, 90_000);

  it("should stop mallory's session at her daily model tokens, and leave alice's at normal speed", async () => {
    const mallory = new ConsoleClient(running.web.url, "mallory");
    const alice = new ConsoleClient(running.web.url, "alice");
    // mallory spent her day's tokens earlier (another process: the same Redis quota).
    const limits = loadConfig({ env: running.env }).limits;
    const quotas = new Quotas(running.app.redis, running.env.CODEMEM_PREFIX as string, limits);
    await quotas.chargeModel("console:mallory", limits.modelTokensPerDay);
    const thread = await mallory.send("@codemem and skip the newsletters too");
    await waitFor(async () => (await privateLines(mallory, thread)).length === 1, 10_000);
    expect((await privateLines(mallory, thread))[0]).toMatch(
      /^Your sessions used their 2,000,000 model tokens for the day; it frees in \d+ (s|min)\.$/,
    );
    const aliceThread = await alice.send(TASK);
    await alice.buttons(aliceThread, "question", 30_000);
  }, 60_000);

  it("should refuse mallory's third run of the hour and start alice's", async () => {
    const mallory = new ConsoleClient(running.web.url, "mallory");
    const alice = new ConsoleClient(running.web.url, "alice");
    const thread = await mallory.send('/codemem run archive-attachments {"days": 1}');
    await mallory.send('/codemem run archive-attachments {"days": 1}', thread);
    await mallory.send('/codemem run archive-attachments {"days": 1}', thread);
    await waitFor(async () => (await privateLines(mallory, thread)).length === 3, 10_000);
    const lines = await privateLines(mallory, thread);
    expect(lines.filter((line) => line.startsWith("Started archive-attachments"))).toHaveLength(2);
    expect(lines[2]).toBe("You started 2 runs in the last hour, the most one person may; it frees in 30 min.");
    const aliceThread = await alice.send('/codemem run archive-attachments {"days": 1}');
    await waitFor(async () => (await privateLines(alice, aliceThread)).length === 1, 10_000);
    expect((await privateLines(alice, aliceThread))[0]).toMatch(/^Started archive-attachments/);
  }, 60_000);
});
