import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const module = fileURLToPath(new URL("../../src/cli/linger.ts", import.meta.url));

/** A process that has finished its work, with or without a connection left open, then calls exitIfLingering. */
function finished(leak: boolean): Promise<{ code: number | null; stderr: string; ms: number }> {
  const script = `const { createServer } = await import("node:net");
const { exitIfLingering } = await import(${JSON.stringify(module)});
${leak ? "createServer().listen(0, '127.0.0.1');" : ""}
process.exitCode = 3;
exitIfLingering(300);`;
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr, ms: Date.now() - started })));
}

describe("exitIfLingering", () => {
  it("should end a finished process a leaked handle keeps alive, with its exit code and one line naming the handle", async () => {
    const { code, stderr } = await finished(true);
    expect(code).toBe(3);
    // Its own stderr pipe is open too: the line names every kind still open.
    expect(stderr).toMatch(
      /^codemem: the command finished but \d+ handle\(s\) stayed open \([^)]*TCPServerWrap[^)]*\); exiting\n$/,
    );
  }, 20_000);

  it("should never hold up a process that ends by itself", async () => {
    const { code, stderr } = await finished(false);
    expect(code).toBe(3);
    expect(stderr).toBe("");
  }, 20_000);
});
