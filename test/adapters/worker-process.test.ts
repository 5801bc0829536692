import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderText } from "../../src/ui/render-text.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { ConsoleClient } from "../helpers/console-client.ts";
import { waitFor } from "../helpers/demo.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");

describe("a run started from the console and done by `codemem worker` in another process", () => {
  let running: TestConsoleApp;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    // This process serves the console and delivers; it runs no skill workers of its own.
    running = await startTestConsoleApp({ CODEMEM_RUN_WORKERS: "0", DEMO_MAILBOX_SIZE: "120" });
  });
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await running?.close();
  });

  it("should show the worker's progress message and summary in the thread", async () => {
    worker = spawn(process.execPath, ["--no-node-snapshot", BIN, "worker"], {
      cwd: running.home,
      env: { ...process.env, ...running.env },
    });
    let out = "";
    worker.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    worker.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
    await waitFor(() => /^worker {3}\d+ on /m.test(out), 30_000);

    const ana = new ConsoleClient(running.web.url, "ana");
    const thread = await ana.send('/codemem run archive-attachments {"days": 10}');
    const texts = async () => (await ana.messages(thread)).map((entry) => renderText(entry.message));
    await waitFor(
      async () => (await texts()).some((text) => /Run r\w+ of archive-attachments v1 finished in/.test(text)),
      60_000,
    );
    const shown = await texts();
    const summary = shown.find((text) => /finished in/.test(text)) as string;
    const done = Number(/(\d+) done/.exec(summary)?.[1]);
    expect(done).toBeGreaterThan(0);
    expect(summary).toContain("0 failed");
    // The progress message the worker posted ends on the final counts.
    await waitFor(async () => (await texts()).some((text) => text.includes(`Progress: ${done}/${done}`)), 10_000);
    expect(shown.find((text) => text.includes("archive-attachments v1 (run"))).toMatch(/for @ana/);

    const exited = new Promise((resolve) => worker?.once("exit", resolve));
    worker.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 90_000);
});
