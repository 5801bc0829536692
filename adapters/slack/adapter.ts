import { WebClient } from "@slack/web-api";
import type { Config } from "../../src/config/schema.ts";
import { startSlackInbound } from "./inbound.ts";
import { SlackUserGroups } from "./groups.ts";
import { slackLogger } from "./logger.ts";
import type { HttpHost } from "../http-host.ts";
import type { Bot } from "../../src/core/bot.ts";
import type { AdapterFactory } from "../../src/ui/adapter.ts";
import { SlackOutbound } from "./outbound.ts";

/**
 * Slack as an adapter: the outbound half in any process with the bot token; the inbound half (bolt)
 * where people are served. Retries are the outbox's: the client neither retries nor sits out 429s.
 */
export function slackAdapter(config: Config["slack"], http: HttpHost): AdapterFactory<Bot> {
  const token = config.botToken;
  if (token === undefined) throw new Error("slackAdapter needs slack.botToken");
  return ({ log }) => {
    const client = new WebClient(token, {
      ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      // Failures reach the person as one line (start) or a logged delivery error, not as SDK warnings.
      logger: slackLogger(log),
    });
    return {
      outbound: new SlackOutbound(client, config.assistant, log),
      groups: new SlackUserGroups(client, log),
      start: (bot) =>
        startSlackInbound({
          bot,
          client,
          botToken: token,
          appToken: config.appToken,
          signingSecret: config.signingSecret,
          apiUrl: config.apiUrl,
          workspaces: config.workspaces,
          allowExternal: config.allowExternal,
          http,
          log,
        }),
    };
  };
}
