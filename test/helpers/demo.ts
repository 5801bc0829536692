import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { demoMcpConfig, demoServerCommand } from "../../src/demo/mcp-config.ts";
import type { McpConfig } from "../../src/mcp/config-file.ts";

/** A fresh demo state dir per test; removed by the returned cleanup. */
export function tempStateDir(prefix = "codemem-demo-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Demo outlook + onedrive over stdio with extra knobs for both. */
export function demoConfig(stateDir: string, env: Record<string, string> = {}, mailboxSize = 50): McpConfig {
  return demoMcpConfig({ stateDir, mailboxSize, env });
}

/** One demo server under another name, with its own knobs. */
export function demoServer(name: "outlook" | "onedrive", stateDir: string, env: Record<string, string> = {}) {
  return { ...demoServerCommand(name), env: { DEMO_STATE_DIR: stateDir, DEMO_MAILBOX_SIZE: "50", ...env } };
}

export function fixtureServer(file: string, env: Record<string, string> = {}) {
  const { command, args } = demoServerCommand("outlook");
  return { command, args: [...args.slice(0, -1), join(import.meta.dirname, "..", "fixtures", file)], env };
}

export const waitFor = async (check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
