import { spawn } from "node:child_process";
import { join } from "node:path";

export const CODEMEM_BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `codemem <args>` as a person runs it from a shell: the real bin in a child process. Past `timeoutMs`
 * the child is killed and what it printed so far comes back (code -1), so a hang says where it stopped.
 */
export function runCodemem(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CODEMEM_BIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            stderr += `\n(codemem ${args.join(" ")} was killed after ${options.timeoutMs} ms)`;
            // The launcher's child gets the signal too: it stops when its launcher dies.
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
