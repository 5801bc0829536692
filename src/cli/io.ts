/** Where a command writes; tests pass arrays, the bin passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Diagnostics shown with CODEMEM_DEBUG=1. */
  debug(text: string): void;
}

export function processIo(env: NodeJS.ProcessEnv = process.env): CliIo {
  return {
    out: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    debug: env.CODEMEM_DEBUG ? (text) => void process.stderr.write(`[debug] ${text}\n`) : () => {},
  };
}
