import { LogLevel, type Logger } from "@slack/bolt";

/**
 * The Slack SDKs' logger, routed into codemem's log: their warnings and errors become one `slack:`
 * line each in the log (debug output with `npm start`), so a person sees our one-line errors, not a
 * second copy of the SDK's.
 */
export function slackLogger(log: (line: string) => void): Logger {
  let level = LogLevel.WARN;
  const rank = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const at =
    (which: LogLevel) =>
    (...msg: unknown[]): void => {
      if (rank.indexOf(which) >= rank.indexOf(level)) log(`slack: ${msg.map(String).join(" ")}`);
    };
  return {
    debug: at(LogLevel.DEBUG),
    info: at(LogLevel.INFO),
    warn: at(LogLevel.WARN),
    error: at(LogLevel.ERROR),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
