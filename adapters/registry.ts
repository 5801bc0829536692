import type { PlatformSweepers } from "../src/compose/retention.ts";
import type { Config } from "../src/config/schema.ts";
import { ConsoleKeys } from "./console/keys.ts";
import { ConsoleThreadStore } from "./console/store.ts";
import { ConversationReferences } from "./teams/references.ts";
import type { Bot } from "../src/core/bot.ts";
import type { AdapterFactory } from "../src/ui/adapter.ts";
import { consoleAdapter } from "./console/app.ts";
import { CONSOLE_PLATFORM } from "./console/platform.ts";
import type { HttpHost } from "./http-host.ts";
import { slackAdapter } from "./slack/adapter.ts";
import { SLACK_PLATFORM } from "./slack/platform.ts";
import { teamsAdapter } from "./teams/adapter.ts";
import { TEAMS_PLATFORM } from "./teams/platform.ts";

/** One chat platform codemem has an adapter for. */
export interface PlatformAdapter {
  /** The name user keys and approvers carry (`slack:U0123ABCD`). */
  platform: string;
  /** The platform's adapter when the config sets it up; undefined when it does not. */
  configured(config: Config, http: HttpHost): AdapterFactory<Bot> | undefined;
}

/**
 * Every platform codemem serves, in the order `npm start` starts them. A new platform is one entry here
 * (the config then accepts its approvers), and an adapter folder beside the others.
 */
export const PLATFORM_ADAPTERS: readonly PlatformAdapter[] = [
  {
    platform: CONSOLE_PLATFORM,
    configured: (config) => consoleAdapter(config.console),
  },
  {
    platform: SLACK_PLATFORM,
    configured: (config, http) => (config.slack.botToken === undefined ? undefined : slackAdapter(config.slack, http)),
  },
  {
    platform: TEAMS_PLATFORM,
    configured: (config, http) => (config.teams.appId === undefined ? undefined : teamsAdapter(config.teams, { http })),
  },
];

/** The platforms approvers may name. */
export const PLATFORMS: readonly string[] = PLATFORM_ADAPTERS.map((adapter) => adapter.platform);

/** What the platforms keep of conversations, swept by the retention (whether or not they are configured now). */
export const platformSweepers: PlatformSweepers = (redis, prefix, retention) => [
  new ConsoleThreadStore(redis, new ConsoleKeys(prefix)).sweeper(retention.platformDays, retention.dayMs),
  new ConversationReferences(redis, prefix).sweeper(retention.platformDays, retention.dayMs),
];
