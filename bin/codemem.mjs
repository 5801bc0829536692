#!/usr/bin/env -S node --no-node-snapshot
// isolated-vm needs --no-node-snapshot on Node 20; when started without it (node bin/codemem.mjs),
// run again with it rather than fail later inside the sandbox.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

if (!process.execArgv.includes("--no-node-snapshot")) {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ["--no-node-snapshot", ...process.execArgv, self, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exitCode = result.status ?? 1;
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../adapters/cli.ts");
}
