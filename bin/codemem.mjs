#!/usr/bin/env -S node --no-node-snapshot
// isolated-vm needs --no-node-snapshot on Node 20; when started without it (node bin/codemem.mjs),
// run again with it rather than fail later inside the sandbox. Signals go to the child, so SIGTERM
// still means a graceful stop.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

if (!process.execArgv.includes("--no-node-snapshot")) {
  const self = fileURLToPath(import.meta.url);
  // The child stops itself if this launcher is SIGKILLed (src/cli/parent-watch.ts).
  const env = { ...process.env, CODEMEM_PARENT_PID: String(process.pid) };
  const child = spawn(process.execPath, ["--no-node-snapshot", ...process.execArgv, self, ...process.argv.slice(2)], {
    stdio: "inherit",
    env,
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1);
  });
} else if (process.env.CODEMEM_SOURCE !== "1" && existsSync(new URL("../dist/adapters/cli.js", import.meta.url))) {
  // The compiled build (npm run build): no TypeScript compiler in memory. CODEMEM_SOURCE=1 runs the
  // sources instead, as npm start and npm test do, so a stale dist/ never hides an edit.
  await import("../dist/adapters/cli.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../adapters/cli.ts");
}
