import type { Logger } from "../../src/ops/logger.ts";
import { App, HTTPReceiver, SocketModeReceiver } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { Bot } from "../../src/core/bot.ts";
import { asCodedError, userError } from "../../src/errors.ts";
import type { RunningInbound } from "../../src/ui/adapter.ts";
import type { ThreadRef } from "../../src/ui/surface.ts";
import type { User } from "../../src/ui/user.ts";
import type { HttpHost } from "../http-host.ts";
import { slackLogger } from "./logger.ts";
import { ACTION_PREFIX, renderSlack } from "./render.ts";
import { SLACK_PLATFORM } from "./platform.ts";

export interface SlackInboundOptions {
  bot: Bot;
  /** Made with the bot token; auth.test on it says who we are before anything listens. */
  client: WebClient;
  botToken: string;
  /** Socket Mode when set. */
  appToken?: string | undefined;
  /** The HTTP receiver when there is no app token. */
  signingSecret?: string | undefined;
  apiUrl?: string | undefined;
  /** Where the HTTP receiver is served (PORT, shared with Teams). */
  http: HttpHost;
  log: Logger;
  /** Workspaces (T…) and Grid orgs (E…) served; default: the bot token's own. */
  workspaces?: readonly string[] | undefined;
  /** People of other organizations in Slack Connect channels are served too. Default: false. */
  allowExternal?: boolean | undefined;
}

const slackUser = (id: string): User => ({ platform: SLACK_PLATFORM, id });

/** Text of a mention without the bot's own `<@U…>`. */
const withoutMention = (text: string, botUserId: string): string => text.replaceAll(`<@${botUserId}>`, "").trim();

/**
 * Slack's inbound half on bolt: listeners turn events, clicks and slash commands into Bot calls and
 * show a click's result at once. Socket Mode with an app token; otherwise bolt's HTTP receiver at
 * /slack/events, which refuses a bad signature or a stale timestamp with 401 before any listener.
 */
export async function startSlackInbound(options: SlackInboundOptions): Promise<RunningInbound> {
  const { bot, log } = options;
  let identity: {
    user_id?: string;
    bot_id?: string;
    user?: string;
    team?: string;
    team_id?: string;
    enterprise_id?: string;
  };
  try {
    identity = await options.client.auth.test();
  } catch (error) {
    const refused = (error as { data?: { error?: string } }).data?.error;
    if (refused === undefined) {
      const where = options.apiUrl ?? "https://slack.com/api/";
      throw userError(
        "CONFIG_INVALID",
        `slack: could not reach ${where} (${asCodedError(error).message}); check the network or SLACK_API_URL`,
      );
    }
    throw userError(
      "CONFIG_INVALID",
      `slack: SLACK_BOT_TOKEN was refused (${refused}); copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page`,
    );
  }
  const botUserId = identity.user_id ?? "";
  const logger = slackLogger(log);
  const appToken = options.appToken;
  const socket = appToken !== undefined;
  // Socket Mode's own client reads its API base from installerOptions (SLACK_API_URL must reach it too).
  const receiver =
    appToken !== undefined
      ? new SocketModeReceiver({
          appToken,
          logger,
          ...(options.apiUrl ? { installerOptions: { clientOptions: { slackApiUrl: options.apiUrl } } } : {}),
        })
      : new HTTPReceiver({
          signingSecret: options.signingSecret ?? "",
          endpoints: "/slack/events",
          logger,
          // Events are answered once handled (a job queued: milliseconds), so a failure is a 500 and
          // Slack's retry; clicks and commands ack first and work after (afterAck).
          processBeforeResponse: true,
        });
  const app = new App({
    token: options.botToken,
    // Checked above with one clear line; bolt would check again on every start.
    tokenVerificationEnabled: false,
    ...(identity.bot_id ? { botId: identity.bot_id } : {}),
    botUserId,
    receiver,
    ...(options.apiUrl ? { clientOptions: { slackApiUrl: options.apiUrl } } : {}),
    logger,
    // Without it bolt sets its logger to INFO, whatever codemem's level is.
    logLevel: logger.getLevel(),
  });
  const served = new Set(
    options.workspaces ?? [identity.team_id, identity.enterprise_id].filter((id): id is string => Boolean(id)),
  );
  // Before every listener: a request of a workspace not served is dropped, a Slack Connect guest is told.
  app.use(async (args) => {
    const origin = slackOrigin(args.body as Record<string, unknown>);
    const ours = served.has(origin.team ?? "") || served.has(origin.enterprise ?? "");
    const guest = ours && !options.allowExternal && origin.personTeam !== undefined && !served.has(origin.personTeam);
    if (ours && !guest) return args.next();
    log.warn(
      { platform: SLACK_PLATFORM, team: origin.team, enterprise: origin.enterprise, userTeam: origin.personTeam },
      ours ? "refused a Slack Connect guest" : "refused a request of a workspace not served",
    );
    const ack = (args as { ack?: () => Promise<void> }).ack;
    if (ack !== undefined) await ack();
    if (!guest) return;
    const notice = `I work for the people of ${identity.team ?? "this workspace"} only.`;
    const respond = (args as { respond?: (message: Record<string, unknown>) => Promise<unknown> }).respond;
    try {
      if (respond !== undefined) await respond({ response_type: "ephemeral", replace_original: false, text: notice });
      else if (origin.channel !== undefined && origin.user !== undefined && origin.mention)
        await args.client.chat.postEphemeral({
          channel: origin.channel,
          user: origin.user,
          text: notice,
          ...(origin.thread ? { thread_ts: origin.thread } : {}),
        });
    } catch (error) {
      log.warn({ platform: SLACK_PLATFORM, err: asCodedError(error).message }, "telling a guest failed");
    }
  });
  // Thrown on, so an event whose handling failed (its job not queued) is not acked: Slack delivers it again.
  app.error(async (error) => {
    log.error({ platform: SLACK_PLATFORM, err: error.message }, "slack event failed");
    throw error;
  });
  /** A click's or command's work after its ack: the ack goes out at once, a failure is logged. */
  const afterAck = (work: () => Promise<void>): void => {
    void work().catch((error: unknown) =>
      log.error({ platform: SLACK_PLATFORM, err: asCodedError(error).message }, "slack interaction failed"),
    );
  };

  app.event("app_mention", async ({ event, body }) => {
    if (event.user === undefined) return;
    const thread: ThreadRef = { platform: SLACK_PLATFORM, channel: event.channel, thread: event.thread_ts ?? event.ts };
    const text = withoutMention(event.text, botUserId);
    await bot.onMessage({ user: slackUser(event.user), thread, text, mentioned: true, eventId: body.event_id });
  });

  app.message(async ({ message, body }) => {
    // Edits, joins, bot posts (ours included) carry a subtype or a bot id: never work.
    if (message.subtype !== undefined || message.bot_id !== undefined || message.user === undefined) return;
    const direct = message.channel_type === "im";
    // In channels, a mention arrives as app_mention too; plain talk outside a thread is not for us.
    if (!direct && ((message.text ?? "").includes(`<@${botUserId}>`) || message.thread_ts === undefined)) return;
    const thread: ThreadRef = {
      platform: SLACK_PLATFORM,
      channel: message.channel,
      thread: message.thread_ts ?? message.ts,
    };
    const text = withoutMention(message.text ?? "", botUserId);
    await bot.onMessage({ user: slackUser(message.user), thread, text, mentioned: direct, eventId: body.event_id });
  });

  app.event("app_home_opened", async ({ event, client }) => {
    // Slack's agent view opens its DM here (tab "messages"), where assistant_thread_started was before.
    if (event.tab === "messages") {
      await bot.welcome(slackUser(event.user), { platform: SLACK_PLATFORM, channel: event.channel });
      return;
    }
    if (event.tab !== "home") return;
    const { blocks } = renderSlack(await bot.overview(slackUser(event.user)));
    // A Home tab holds up to 100 blocks.
    // apiCall: our blocks are built as plain objects, which the typed views.publish does not take.
    await client.apiCall("views.publish", {
      user_id: event.user,
      view: { type: "home", blocks: blocks.slice(0, 100) },
    });
  });

  app.action({ action_id: new RegExp(`^${ACTION_PREFIX}`) }, async ({ ack, body, action, respond }) => {
    await ack();
    afterAck(async () => {
      let value: unknown;
      try {
        value = JSON.parse((action as { value?: string }).value ?? "");
      } catch {
        value = undefined;
      }
      const result = await bot.onAction({ user: slackUser(body.user.id), value });
      try {
        if (result.kind === "accepted") await respond({ replace_original: true, ...renderSlack(result.message) });
        else await respond({ response_type: "ephemeral", replace_original: false, ...renderSlack(result.notice) });
      } catch (error) {
        // The outbox still updates the message for everyone; only the instant echo was lost.
        log.warn({ platform: SLACK_PLATFORM, err: asCodedError(error).message }, "showing a click's result failed");
      }
    });
  });

  app.command("/codemem", async ({ ack, command, respond }) => {
    await ack();
    afterAck(async () => {
      // A slash command has no thread: core gives it an opener, so a run it starts opens its own.
      const thread: ThreadRef = { platform: SLACK_PLATFORM, channel: command.channel_id };
      const reply = await bot.onCommand({
        user: slackUser(command.user_id),
        text: command.text,
        thread,
        eventId: command.trigger_id,
      });
      await respond({ response_type: reply.private ? "ephemeral" : "in_channel", ...renderSlack(reply.message) });
    });
  });

  if (socket) {
    try {
      await app.start();
    } catch (error) {
      const refused = (error as { data?: { error?: string } }).data?.error ?? asCodedError(error).message;
      throw userError(
        "CONFIG_INVALID",
        `slack: Socket Mode did not connect (${refused}); SLACK_APP_TOKEN must be an app-level token with connections:write (Basic Information → App-Level Tokens)`,
      );
    }
    return {
      describe: `slack    Socket Mode as @${identity.user ?? "codemem"} in ${identity.team ?? "the workspace"}`,
      close: () => app.stop().then(() => {}),
    };
  }
  // The receiver's request listener is mounted on the shared host (Teams' /api/messages may share PORT).
  const listener = (receiver as HTTPReceiver).requestListener;
  const url = await options.http.route("/slack/events", (req, res) => listener(req, res));
  return {
    describe: `slack    ${url} (signed HTTP) as @${identity.user ?? "codemem"}`,
    url,
    close: () => options.http.unroute("/slack/events"),
  };
}

/**
 * Where a request comes from: the workspace (and Grid org) it was sent for, and the person's own
 * workspace when Slack says it (events in Slack Connect channels carry `user_team`, clicks `user.team_id`).
 */
export function slackOrigin(body: Record<string, unknown>): {
  team?: string | undefined;
  enterprise?: string | undefined;
  personTeam?: string | undefined;
  user?: string | undefined;
  channel?: string | undefined;
  thread?: string | undefined;
  mention: boolean;
} {
  const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
  const obj = (value: unknown): Record<string, unknown> =>
    typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const event = obj(body.event);
  const user = obj(body.user);
  return {
    team: str(body.team_id) ?? str(obj(body.team).id) ?? str(user.team_id),
    enterprise: str(body.enterprise_id) ?? str(obj(body.enterprise).id),
    personTeam: str(event.user_team) ?? str(user.team_id) ?? str(body.user_team),
    user: str(event.user) ?? str(user.id) ?? str(body.user_id),
    channel: str(event.channel),
    thread: str(event.thread_ts) ?? str(event.ts),
    mention: event.type === "app_mention" || event.channel_type === "im",
  };
}
