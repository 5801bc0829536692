import { spawn } from "node:child_process";
import { join } from "node:path";

export const CODEMEM_BIN = join(import.meta.dirname, "..", "..", "bin", "codemem.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `codemem <args>` as a person runs it from a shell: the real bin in a child process. */
export function runCodemem(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CODEMEM_BIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
