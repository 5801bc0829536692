import { z } from "zod";
import { commaList, flag, setting } from "./settings.ts";

/** Slack: it starts when a bot token is set, with Socket Mode or the signed HTTP receiver. */
export const slackSettings = z
  .object({
    botToken: z
      .string()
      .regex(/^xoxb-/, { error: "expected a bot token (xoxb-…) from OAuth & Permissions" })
      .optional()
      .meta(setting("SLACK_BOT_TOKEN", "Bot User OAuth Token; Slack starts when it is set.", { secret: true })),
    appToken: z
      .string()
      .regex(/^xapp-/, { error: "expected an app-level token (xapp-…) from Basic Information" })
      .optional()
      .meta(
        setting("SLACK_APP_TOKEN", "App-level token with connections:write: Socket Mode, no public URL needed.", {
          secret: true,
        }),
      ),
    signingSecret: z
      .string()
      .min(8, { error: "expected the Signing Secret from Basic Information" })
      .optional()
      .meta(
        setting("SLACK_SIGNING_SECRET", "Verifies the HTTP receiver's requests (production behind a load balancer).", {
          secret: true,
        }),
      ),
    apiUrl: z
      .url({ error: "expected an http(s) URL ending in /api/" })
      .optional()
      .meta(setting("SLACK_API_URL", "Another Web API base (GovSlack, tests), ending in /api/.")),
    workspaces: commaList(
      z.string().regex(/^[TE][A-Z0-9]{2,}$/, { error: "expected Slack team ids (T…) or enterprise ids (E…)" }),
    )
      .optional()
      .meta(
        setting(
          "SLACK_WORKSPACES",
          "Workspaces (T…) and Enterprise Grid orgs (E…) whose events, clicks and commands the bot takes; anything else is refused and logged.",
          { defaultText: "the workspace the bot token belongs to" },
        ),
      ),
    allowExternal: flag()
      .default(false)
      .meta(
        setting(
          "SLACK_ALLOW_EXTERNAL",
          "Serve people of other organizations in Slack Connect channels; otherwise they are told the bot serves its own workspace only.",
        ),
      ),
    assistant: flag()
      .default(true)
      .meta(
        setting(
          "SLACK_ASSISTANT",
          "Try Slack's agent features (agent_view, scope assistant:write): a status line while the bot works and the plan streamed as tasks in direct messages; where Slack refuses them codemem goes without, once. `false` never tries.",
        ),
      ),
  })
  .strict()
  .refine(
    (slack) => slack.botToken === undefined || slack.appToken !== undefined || slack.signingSecret !== undefined,
    {
      error: "with SLACK_BOT_TOKEN set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP receiver)",
      path: ["botToken"],
    },
  )
  .prefault({});

/** Teams: it starts when the Azure Bot's app id is set. */
export const teamsSettings = z
  .object({
    appId: z
      .string()
      .min(1)
      .optional()
      .meta(setting("MicrosoftAppId", "The Azure Bot's Microsoft App ID; Teams starts when it is set.")),
    appPassword: z
      .string()
      .min(1)
      .optional()
      .meta(
        setting("MicrosoftAppPassword", "Its client secret (not needed for a user-assigned managed identity).", {
          secret: true,
        }),
      ),
    appTenantId: z
      .string()
      .min(1)
      .optional()
      .meta(setting("MicrosoftAppTenantId", "The tenant of a single-tenant bot.")),
    tenants: commaList(z.string().regex(/^(\*|[0-9A-Za-z-]{1,64})$/, { error: "expected tenant ids (GUIDs), or *" }))
      .optional()
      .meta(
        setting(
          "TEAMS_TENANTS",
          "Microsoft Entra tenants whose people the bot serves, comma-separated, or * for any; activities from other tenants or from channels other than Teams (Web Chat, Direct Line) are refused and logged.",
          { defaultText: "MicrosoftAppTenantId; required for a MultiTenant bot" },
        ),
      ),
    appType: z
      .enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"])
      .default("MultiTenant")
      .meta(setting("MicrosoftAppType", "MultiTenant, SingleTenant or UserAssignedMSI.")),
    openIdMetadataUrl: z
      .url()
      .optional()
      .meta(
        setting(
          "TEAMS_OPENID_METADATA_URL",
          "Where Bot Framework signing keys are published (sovereign clouds, tests).",
          { defaultText: "the public cloud's" },
        ),
      ),
    tokenIssuer: z
      .string()
      .min(1)
      .optional()
      .meta(
        setting("TEAMS_TOKEN_ISSUER", "The issuer of Bot Framework tokens (sovereign clouds, tests).", {
          defaultText: "https://api.botframework.com",
        }),
      ),
  })
  .strict()
  .refine(
    (teams) => teams.appId === undefined || teams.appType === "UserAssignedMSI" || teams.appPassword !== undefined,
    { error: "with MicrosoftAppId set MicrosoftAppPassword (the bot's client secret)", path: ["appPassword"] },
  )
  .refine((teams) => teams.appType !== "SingleTenant" || teams.appTenantId !== undefined, {
    error: "a SingleTenant bot needs MicrosoftAppTenantId",
    path: ["appTenantId"],
  })
  .refine((teams) => teams.appId === undefined || teams.tenants !== undefined || teams.appTenantId !== undefined, {
    error: "set TEAMS_TENANTS to the tenant ids whose people this MultiTenant bot serves (or * for any tenant)",
    path: ["tenants"],
  })
  .prefault({});
