import type { Config } from "../config.ts";
import { createLogger, type Logger, type LogLevel, secretsOf } from "../ops/logger.ts";

/** Where a command writes; tests pass arrays, the bin passes the process streams. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /**
   * The command's log for its config: CODEMEM_LOG_LEVEL, else debug with CODEMEM_DEBUG=1, else the
   * command's own default (info for long-running processes, warn for one-shot commands).
   */
  log(config: Config, fallback?: LogLevel): Logger;
}

export function processIo(env: NodeJS.ProcessEnv = process.env): CliIo {
  return {
    out: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    log: (config, fallback = "warn") =>
      createLogger({
        level: config.logLevel ?? (env.CODEMEM_DEBUG ? "debug" : fallback),
        // JSON lines for a collector; readable ones for a person at a terminal.
        pretty: process.stderr.isTTY === true,
        secrets: secretsOf(config),
      }),
  };
}
