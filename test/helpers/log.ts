import { expect, it } from "vitest";
import type { LogLevel } from "../../src/config/log-levels.ts";
import { createLogger, type Logger } from "../../src/ops/logger.ts";

export interface CapturedLog {
  logger: Logger;
  /** Every line as written (after redaction), in order. */
  raw: string[];
  /** The same lines parsed. */
  lines(): Record<string, unknown>[];
}

/** Lines of every log captured in this test file, to check that no secret reached any of them. */
const everyLine: string[] = [];
/** The secrets the captured logs were configured with. */
const watched = new Set<string>();

/** A real codemem logger (redaction and scrubbing included) writing into memory. */
export function captureLog(options: { level?: LogLevel; secrets?: readonly string[] } = {}): CapturedLog {
  const raw: string[] = [];
  for (const secret of options.secrets ?? []) watched.add(secret);
  const logger = createLogger({
    level: options.level ?? "debug",
    secrets: options.secrets,
    destination: {
      write: (line: string) => {
        raw.push(line);
        everyLine.push(line);
      },
    },
  });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/**
 * What the logs of this test file leaked: every line that shows a configured secret, and how many lines
 * were checked (a check of no lines would prove nothing).
 */
export function leakedSecrets(): { checked: number; secrets: number; leaks: string[] } {
  const leaks = everyLine.filter((line) => [...watched].some((secret) => line.includes(secret)));
  return { checked: everyLine.length, secrets: watched.size, leaks };
}

/** The captured lines of this test file that a source wrote (e.g. "slack-sdk"), parsed. */
export function linesFrom(source: string): Record<string, unknown>[] {
  return everyLine.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.source === source);
}

/** A last test for a file whose apps were configured with secrets: no line of its logs shows one. */
export function itKeepsSecretsOutOfLogs(): void {
  it("should keep every configured secret out of every log line of this file", () => {
    const { checked, secrets, leaks } = leakedSecrets();
    expect(secrets).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
}
