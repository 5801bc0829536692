import { join } from "node:path";
import { inject } from "vitest";
import { HttpHost } from "../../adapters/http-host.ts";
import { slackAdapter } from "../../adapters/slack/adapter.ts";
import { startApp, type App } from "../../src/compose/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { FakeSlack } from "./fake-slack.ts";
import { secretsOf } from "../../src/ops/logger.ts";
import { captureLog } from "./log.ts";

/**
 * The whole bot with the Slack adapter, on the suite's Redis with a fresh prefix, talking to a fake
 * Slack. `env` adds to or replaces the Slack settings (tokens, signing secret, assistant, approvers).
 */
export function startSlackTestApp(slack: FakeSlack, home: string, env: Record<string, string>): Promise<App> {
  const config = loadConfig({
    env: {
      REDIS_URL: inject("redisUrl"),
      CODEMEM_HOME: join(home, ".codemem"),
      CODEMEM_PREFIX: `sl${process.pid}x${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_API_URL: slack.apiUrl,
      CODEMEM_SEMANTIC: "off",
      ...env,
    },
    cwd: home,
  });
  const http = new HttpHost({ port: 0, host: "127.0.0.1" });
  return startApp({
    config,
    adapters: [slackAdapter(config.slack, http)],
    log: captureLog({ secrets: secretsOf(config) }).logger,
  });
}
