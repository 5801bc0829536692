import { ConfigurationBotFrameworkAuthentication } from "botbuilder";
import type { ServiceClientCredentialsFactory } from "botframework-connector";
import type { Config } from "../../src/config/schema.ts";
import type { HttpHost } from "../http-host.ts";
import { startTeamsInbound, TeamsCloudAdapter } from "./inbound.ts";
import { TeamsOutbound } from "./outbound.ts";
import type { Bot } from "../../src/core/bot.ts";
import type { AdapterFactory } from "../../src/ui/adapter.ts";
import { ConversationReferences } from "./references.ts";
import { TEAMS_PLATFORM } from "./platform.ts";

export interface TeamsAdapterOptions {
  /** Where /api/messages is served (PORT, shared with Slack's receiver). */
  http: HttpHost;
  /** How the bot gets tokens for the Bot Connector. Default: from the app id and password in the config. */
  credentialsFactory?: ServiceClientCredentialsFactory | undefined;
}

/**
 * Teams as an adapter on botbuilder's CloudAdapter: proactive delivery in any process with the bot's
 * credentials (references in Redis), and /api/messages where people are served. Every botbuilder type
 * stays in adapters/teams.
 */
export function teamsAdapter(config: Config["teams"], options: TeamsAdapterOptions): AdapterFactory<Bot> {
  const appId = config.appId;
  if (appId === undefined) throw new Error("teamsAdapter needs teams.appId");
  return ({ redis, prefix, log }) => {
    const auth = new ConfigurationBotFrameworkAuthentication(
      {
        MicrosoftAppId: appId,
        MicrosoftAppType: config.appType,
        ...(config.appPassword ? { MicrosoftAppPassword: config.appPassword } : {}),
        ...(config.appTenantId ? { MicrosoftAppTenantId: config.appTenantId } : {}),
        ...(config.openIdMetadataUrl ? { ToBotFromChannelOpenIdMetadataUrl: config.openIdMetadataUrl } : {}),
        ...(config.tokenIssuer ? { ToBotFromChannelTokenIssuer: config.tokenIssuer } : {}),
      },
      options.credentialsFactory,
    );
    const adapter = new TeamsCloudAdapter(auth);
    // botbuilder reports a turn's failure here; its only other output is console lines in
    // CloudAdapter.process, which codemem does not call (it authenticates and runs processActivity).
    adapter.onTurnError = async (_context, error) =>
      log.error({ platform: TEAMS_PLATFORM, err: error.message }, "botbuilder turn error");
    const references = new ConversationReferences(redis, prefix);
    return {
      outbound: new TeamsOutbound(adapter, appId, references),
      start: (bot) =>
        startTeamsInbound({ bot, adapter, auth, references, http: options.http, log, tenants: servedTenants(config) }),
    };
  };
}

/** The tenants served: TEAMS_TENANTS, else the bot's own (the config refuses a MultiTenant bot with neither). */
function servedTenants(config: Config["teams"]): readonly string[] {
  return config.tenants ?? (config.appTenantId === undefined ? [] : [config.appTenantId]);
}
