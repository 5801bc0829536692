import { type Config, type LoadConfigOptions, loadConfig } from "../config/load.ts";
import type { LogLevel } from "../config/log-levels.ts";
import { createLogger, type Logger, secretsOf } from "../ops/logger.ts";

/** Where a command writes and how it reads its configuration; tests pass arrays, the bin the process's own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The command's configuration: loadConfig, knowing the platforms this codemem has adapters for. */
  config(options?: LoadConfigOptions): Config;
  /**
   * The command's log for its config: CODEMEM_LOG_LEVEL, else debug with CODEMEM_DEBUG, else the
   * command's own default (info for long-running processes, warn for one-shot commands).
   */
  log(config: Config, fallback?: LogLevel): Logger;
}

export interface ProcessIoOptions {
  /** The platforms approvers may name (adapters/registry.ts). Default: any. */
  platforms?: readonly string[] | undefined;
}

export function processIo(options: ProcessIoOptions = {}): CliIo {
  return {
    out: (text) => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    config: (load = {}) => loadConfig({ platforms: options.platforms, ...load }),
    log: (config, fallback = "warn") =>
      createLogger({
        level: config.logLevel ?? (config.debug ? "debug" : fallback),
        // JSON lines for a collector; readable ones for a person at a terminal.
        pretty: process.stderr.isTTY === true,
        secrets: secretsOf(config),
      }),
  };
}
