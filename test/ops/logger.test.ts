import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LogLevel } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { slackLogger } from "../../adapters/slack/logger.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger, secretsOf } from "../../src/ops/logger.ts";
import { captureLog } from "../helpers/log.ts";

const TOKEN = "xoxb-1234567890-abcdefghijkl";

describe("createLogger", () => {
  it("should write one JSON line per event with the ids given, at or above its level", () => {
    const log = captureLog({ level: "info" });
    log.logger.child({ run: "r1", skill: "archive" }).info({ item: "m-1" }, "item done");
    log.logger.debug("not at info");
    expect(log.raw).toHaveLength(1);
    expect(log.raw[0]?.endsWith("\n")).toBe(true);
    expect(log.lines()[0]).toMatchObject({ level: 30, run: "r1", skill: "archive", item: "m-1", msg: "item done" });
    expect(log.lines()[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("should keep secrets out by field name and by value, wherever they are", () => {
    const log = captureLog({ secrets: [TOKEN, 'pa"ss\\word'] });
    log.logger.info({ headers: { authorization: "Bearer abc" }, token: "t0k3n-value" }, "a call");
    log.logger.warn(`the SDK said: invalid_auth for ${TOKEN}`);
    log.logger.error({ detail: { nested: [`x ${TOKEN} y`] }, quoted: 'pa"ss\\word' }, "failed");
    const text = log.raw.join("");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("abc");
    expect(text).not.toContain("t0k3n-value");
    expect(text).not.toContain("ss\\\\word");
    expect(log.lines()[0]).toMatchObject({ headers: { authorization: "[redacted]" }, token: "[redacted]" });
    expect(log.lines()[1]?.msg).toBe("the SDK said: invalid_auth for [redacted]");
    expect(log.lines()[2]).toMatchObject({ detail: { nested: ["x [redacted] y"] }, quoted: "[redacted]" });
  });

  it("should print readable lines, not JSON, when asked to (a terminal)", () => {
    const out: string[] = [];
    const logger = createLogger({ pretty: true, destination: { write: (line: string) => void out.push(line) } });
    logger.info({ run: "r9" }, "run finished");
    const text = out.join("");
    expect(text).toContain("run finished");
    expect(text).toContain('run: "r9"');
    expect(() => JSON.parse(text)).toThrow();
  });

  it("should know every secret of a config", () => {
    const config = loadConfig({
      env: {
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: "signing-secret-1",
        OPENAI_API_KEY: "sk-test-key",
        REDIS_URL: "rediss://user:redis-pass@host:6380",
        CODEMEM_ADMIN_TOKEN: "admin-token-0123456789",
      },
      cwd: mkdtempSync(join(tmpdir(), "codemem-logger-")),
    });
    expect(secretsOf(config).sort()).toEqual(
      ["admin-token-0123456789", "redis-pass", "signing-secret-1", "sk-test-key", TOKEN].sort(),
    );
  });
});

describe("slackLogger", () => {
  it("should start at codemem's level, which bolt keeps when given it back", () => {
    for (const [level, slack] of [
      ["debug", LogLevel.DEBUG],
      ["info", LogLevel.INFO],
      ["warn", LogLevel.WARN],
      ["error", LogLevel.ERROR],
    ] as const)
      expect(slackLogger(captureLog({ level }).logger).getLevel()).toBe(slack);
  });

  it("should turn the Slack SDKs' lines into codemem's, filtered by codemem's level, tokens scrubbed", () => {
    const log = captureLog({ level: "info", secrets: [TOKEN] });
    const slack = slackLogger(log.logger);
    expect(slack.getLevel()).toBe(LogLevel.INFO);
    slack.debug("dropped at info");
    slack.info("[INFO]  bolt-app", "now connected", { to: "socket" });
    slack.error(`An API error occurred: invalid_auth (token ${TOKEN})`);
    slack.info('http request body: {"channel":"C1","text":"subject: Q3 invoice"}');
    slack.setLevel(LogLevel.ERROR);
    slack.warn("dropped at error");
    expect(log.lines()).toEqual([
      expect.objectContaining({ level: 30, platform: "slack", msg: '[INFO]  bolt-app now connected {"to":"socket"}' }),
      expect.objectContaining({
        level: 50,
        platform: "slack",
        msg: "An API error occurred: invalid_auth (token [redacted])",
      }),
      // What the SDK sent (a message, so what tools returned) is cut to its size.
      expect.objectContaining({ level: 30, msg: "http request body: [45 characters]" }),
    ]);
  });
});
