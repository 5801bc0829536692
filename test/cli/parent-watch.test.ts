import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isAlive, waitForExit } from "../helpers/process.ts";

const module = fileURLToPath(new URL("../../src/cli/parent-watch.ts", import.meta.url));

/** A launcher (node) that starts a child watching it; the child prints its pid and says how it ends. */
function launch(watch: boolean) {
  const child = `const { writeSync } = await import("node:fs");
const { stopWhenLauncherDies } = await import(${JSON.stringify(module)});
stopWhenLauncherDies(process.env, 100);
process.on("SIGTERM", () => { writeSync(1, "graceful\\n"); process.exit(0); });
console.log(process.pid, process.env.CODEMEM_PARENT_PID === undefined ? "cleared" : "kept");
setInterval(() => {}, 1000);`;
  const launcher = `const { spawn } = await import("node:child_process");
const c = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", ${JSON.stringify(child)}], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ${watch ? "CODEMEM_PARENT_PID: String(process.pid)" : ""} } });
setInterval(() => {}, 1000);`;
  return spawn(process.execPath, ["--input-type=module", "-e", launcher], { stdio: ["ignore", "pipe", "inherit"] });
}

describe("stopWhenLauncherDies", () => {
  it("should stop the child gracefully when its launcher is SIGKILLed, and keep the variable from grandchildren", async () => {
    const launcher = launch(true);
    let output = "";
    launcher.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      while (!/\d+ (cleared|kept)/.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
      const [pid, variable] = output.trim().split(" ");
      expect(variable).toBe("cleared");
      launcher.kill("SIGKILL");
      expect(await waitForExit(Number(pid))).toBe(true);
      expect(output).toContain("graceful");
    } finally {
      launcher.kill("SIGKILL");
    }
  }, 20_000);

  it("should leave a child alone when nothing asked it to watch", async () => {
    const launcher = launch(false);
    let output = "";
    launcher.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const pid = await (async () => {
      while (!/\d+ /.test(output)) await new Promise((resolve) => setTimeout(resolve, 50));
      return Number(output.trim().split(" ")[0]);
    })();
    try {
      launcher.kill("SIGKILL");
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(isAlive(pid)).toBe(true);
    } finally {
      process.kill(pid, "SIGKILL");
    }
  }, 20_000);
});
