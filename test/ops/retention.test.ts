import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleThread } from "../../adapters/console/store.ts";
import { sessionIdFor } from "../../src/agent/session.ts";
const DAY_MS = 86_400_000;
import { RunKeys } from "../../src/runtime/keys.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { runCodemem } from "../helpers/cli.ts";
import { ConsoleClient } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";

const TASK =
  "@codemem archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company, skip internal senders";
const at = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

describe("the retention, through codemem gc (a session, a run and a console thread growing old)", () => {
  let app: TestConsoleApp;
  let thread: string;
  let runId: string;
  const gc = (...args: string[]) => runCodemem(["gc", ...args], { cwd: app.home, env: { ...process.env, ...app.env } });

  beforeAll(async () => {
    app = await startTestConsoleApp({ CODEMEM_RETAIN_SESSION_DAYS: "30", CODEMEM_RETAIN_RUN_DETAIL_DAYS: "7" });
    const alice = new ConsoleClient(app.web.url, "alice");
    thread = await alice.send(TASK);
    await alice.buttons(thread, "question");
    const runThread = await alice.send('/codemem run archive-attachments {"days": 1}');
    await waitFor(async () => (await app.app.runtime.progress.recent(1)).length === 1, 10_000);
    [runId] = (await app.app.runtime.progress.recent(1)) as [string];
    await waitFor(async () => (await app.app.runtime.status(runId))?.finishedAt !== undefined, 60_000);
    expect(runThread).not.toBe("");
  }, 90_000);
  afterAll(async () => {
    await app?.close();
  });

  it("should list what would go without touching it, then let go of exactly that", async () => {
    const sessionId = sessionIdFor(consoleThread(thread));
    const nothing = await gc("--dry-run");
    expect(nothing.stdout.trim()).toBe("nothing is past its retention");

    const dry = await gc("--dry-run", "--now", at(31));
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would archive session ${sessionId}`);
    expect(dry.stdout).toContain(`would delete run detail ${runId}`);
    expect(dry.stdout).not.toContain("console thread");
    expect((await app.app.sessions.load(sessionId))?.messages.length).toBeGreaterThan(0);

    const real = await gc("--now", at(31));
    expect(real.stdout).toContain(`archive session ${sessionId}`);
    const archived = await app.app.sessions.load(sessionId);
    expect(archived?.messages).toEqual([]);
    expect(archived?.archived?.task).toContain("archive PDF/XLSX attachments");
    expect(archived?.requester.id).toBe("alice");
    // The run's record stays (its summary, /codemem status); its per-item detail went.
    const keys = new RunKeys(app.env.CODEMEM_PREFIX as string);
    expect(await app.app.redis.exists(keys.finished(runId))).toBe(0);
    expect((await app.app.runtime.status(runId))?.status).toBe("completed");
    // Swept once: the same time again finds nothing more of theirs.
    expect((await gc("--dry-run", "--now", at(31))).stdout).not.toContain(runId);
  });

  it("should delete the archived session, the run and the console thread when their own times come", async () => {
    const sessionId = sessionIdFor(consoleThread(thread));
    const late = await gc("--now", at(400), "--json");
    const swept = late.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { what: string; id: string; action: string });
    expect(swept).toContainEqual({ what: "session", id: sessionId, action: "delete" });
    expect(swept).toContainEqual({ what: "run", id: runId, action: "delete" });
    expect(swept).toContainEqual({ what: "console thread", id: thread, action: "delete" });
    expect(await app.app.sessions.load(sessionId)).toBeUndefined();
    expect(await app.app.runtime.status(runId)).toBeUndefined();
  });
});
