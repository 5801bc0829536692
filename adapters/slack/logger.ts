import { LogLevel, type Logger as SlackLogger } from "@slack/bolt";
import type { Logger } from "../../src/ops/logger.ts";
import { SLACK_PLATFORM } from "./platform.ts";

const FROM_PINO: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
  fatal: LogLevel.ERROR,
  silent: LogLevel.ERROR,
};
const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: "debug",
  [LogLevel.INFO]: "info",
  [LogLevel.WARN]: "warn",
  [LogLevel.ERROR]: "error",
};

/** SDK debug lines that carry what was sent or received: messages, and so what tools returned. */
const PAYLOAD_LINE =
  /^(http request body|http request result|Received a message on the WebSocket|Sending a WebSocket message): (.*)$/s;

/**
 * The Slack SDKs' logger (bolt, web-api, socket-mode) as a child of codemem's: their lines become
 * JSON lines with `platform: "slack"` at their own level, and the process's log level filters them.
 * Payloads they print at debug are cut to their size; tokens are scrubbed by the log itself.
 */
export function slackLogger(log: Logger): SlackLogger {
  let child = log.child({ platform: SLACK_PLATFORM, source: "slack-sdk" });
  const text = (msg: unknown[]) => {
    const line = msg.map((part) => (typeof part === "string" ? part : safeJson(part))).join(" ");
    const payload = PAYLOAD_LINE.exec(line);
    return payload === null ? line : `${payload[1]}: [${(payload[2] as string).length} characters]`;
  };
  return {
    debug: (...msg) => child.debug(text(msg)),
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: (level) => {
      child = log.child({ platform: SLACK_PLATFORM, source: "slack-sdk" }, { level: TO_PINO[level] });
    },
    getLevel: () => FROM_PINO[child.level] ?? LogLevel.INFO,
    setName: (name) => {
      child = child.child({ sdk: name });
    },
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
