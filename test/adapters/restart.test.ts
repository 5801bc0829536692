import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { ConsoleMessage } from "../../adapters/console/store.ts";
import type { Button } from "../../src/ui/message.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";

const BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");
const work = tempStateDir("codemem-restart-");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  work.cleanup();
});

/** `codemem start` as its own process; resolves with the console URL it prints. */
function start(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REDIS_URL: inject("redisUrl"),
      CODEMEM_HOME: join(work.dir, ".codemem"),
      CODEMEM_PORT: "0",
      DEMO_MAILBOX_SIZE: "200",
      // With a token, start says where the skills are served over MCP (on the console's port).
      CODEMEM_MCP_TOKEN: "restart-test-token-0123456789",
    };
    delete env.OPENAI_API_KEY;
    // Straight to node with the flag (no re-exec wrapper), so SIGKILL hits codemem itself.
    const child = spawn(process.execPath, ["--no-node-snapshot", BIN, "start"], { cwd: work.dir, env });
    children.push(child);
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /console {2}(http:\/\/\S+)/.exec(out);
      const mcp = /skills {3}as MCP tools at (http:\/\/\S+)mcp /.exec(out);
      if (match && mcp) {
        if (mcp[1] !== match[1]) reject(new Error(`MCP is not on the console's port: ${out}`));
        resolve({ child, url: match[1] as string });
      }
    });
    child.on("exit", (code) => reject(new Error(`start exited with ${code}: ${out}`)));
  });
}

async function threads(url: string): Promise<{ id: string; messages: ConsoleMessage[] }[]> {
  return (
    (await (await fetch(`${url}api/threads`)).json()) as { threads: { id: string; messages: ConsoleMessage[] }[] }
  ).threads;
}

function buttonsOf(messages: ConsoleMessage[], type: "question" | "proposal"): Button[] {
  for (const message of messages)
    for (const block of message.message.blocks)
      if (block.type === type && block.buttons.length > 0) return block.buttons;
  return [];
}

describe("a restart while a session waits for a click", () => {
  it("should lose nothing: the killed process's session continues after a click on the new one", async () => {
    const first = await start();
    const sent = (await (
      await fetch(`${first.url}api/send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          user: "ana",
          text: "@codemem archive PDF/XLSX attachments of the last 15 days of Outlook mail into OneDrive folders per sender company, skip internal senders",
        }),
      })
    ).json()) as { thread: string };
    let question: Button[] = [];
    await waitFor(async () => {
      const thread = (await threads(first.url)).find((t) => t.id === sent.thread);
      question = buttonsOf(thread?.messages ?? [], "question");
      return question.length > 0;
    }, 120_000);

    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    expect(() => process.kill(first.child.pid as number, 0)).toThrow();

    const second = await start();
    const after = (await threads(second.url)).find((t) => t.id === sent.thread);
    expect(buttonsOf(after?.messages ?? [], "question").map((b) => b.label)).toEqual([
      "Yes, add a dedup memory",
      "No memory needed",
    ]);
    const click = await (
      await fetch(`${second.url}api/click`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: "ana", value: question[1]?.value }),
      })
    ).json();
    expect(click).toMatchObject({ kind: "accepted" });
    let proposal: Button[] = [];
    await waitFor(async () => {
      const thread = (await threads(second.url)).find((t) => t.id === sent.thread);
      proposal = buttonsOf(thread?.messages ?? [], "proposal");
      return proposal.length > 0;
    }, 120_000);
    expect(proposal.map((b) => b.label)).toEqual(["Approve", "Reject"]);
    second.child.kill("SIGTERM");
    await new Promise((resolve) => second.child.once("exit", resolve));
  }, 300_000);
});
