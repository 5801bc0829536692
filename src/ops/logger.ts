import { type DestinationStream, type Logger, pino } from "pino";
import { prettyFactory } from "pino-pretty";
import { secretSettings } from "../config/fields.ts";
import { redactValues } from "./scrub.ts";
import type { Config } from "../config/schema.ts";
import type { LogLevel } from "../config/log-levels.ts";
import { parseRedisUrl } from "../redis/client.ts";

export type { Logger } from "pino";

/** Field names whose values never reach a line, wherever they sit in a logged object. */
const REDACTED_PATHS = [
  "authorization",
  "Authorization",
  "token",
  "password",
  "secret",
  "apiKey",
  "*.authorization",
  "*.Authorization",
  "*.token",
  "*.password",
  "*.secret",
  "*.apiKey",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.authorization",
];

export interface LoggerOptions {
  level?: LogLevel | undefined;
  /** Human-readable lines (pino-pretty) instead of JSON; for a terminal. */
  pretty?: boolean | undefined;
  /** Values scrubbed from every line whatever field or message carries them (the configured tokens). */
  secrets?: readonly string[] | undefined;
  /** Default: stderr (stdout carries each command's own output). */
  destination?: { write(line: string): unknown } | undefined;
}

/**
 * pino, one JSON line per event on stderr (pretty on a terminal). Lines carry the ids of what they are
 * about as fields, so one run can be followed across processes: `thread`, `session`, `run`, `item`,
 * `skill`, `platform`, `app` (an MCP server). Secrets are kept out twice: by field
 * name (Authorization, token, password…) and by value, so a token inside an SDK's free-text message is
 * scrubbed too.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const target = options.destination ?? process.stderr;
  const prettify = options.pretty ? prettyFactory({ translateTime: "SYS:HH:MM:ss.l", colorize: false }) : undefined;
  // Each secret as written and as it looks inside a JSON string (a line is JSON).
  const redact = redactValues(
    (options.secrets ?? [])
      .filter((secret) => secret.length >= 6)
      .flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]),
  );
  const scrubbed: DestinationStream = {
    write: (line: string) => {
      const clean = redact(line);
      target.write(prettify === undefined ? clean : prettify(clean));
    },
  };
  return pino(
    {
      level: options.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    scrubbed,
  );
}

/** Every secret the config holds: what no log line may show. */
export function secretsOf(config: Config): string[] {
  // The settings the schema marks secret, and the password inside REDIS_URL.
  const secrets: (string | undefined)[] = secretSettings(config);
  if (config.redisUrl !== undefined) {
    try {
      secrets.push(parseRedisUrl(config.redisUrl).options.password);
    } catch {
      // A bad URL is refused where it is used.
    }
  }
  return secrets.filter((secret): secret is string => typeof secret === "string" && secret !== "");
}

/** A logger that drops everything (tests and commands that want quiet). */
export const silentLogger: Logger = pino({ level: "silent" });
