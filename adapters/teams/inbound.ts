import { routeBotbuilderConsole } from "./console-route.ts";
import type { Logger } from "../../src/ops/logger.ts";
import { type Activity, CloudAdapter, type InvokeResponse, TurnContext } from "botbuilder";
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from "botframework-connector";
import type { Bot, ClickResult } from "../../src/core/bot.ts";
import { asCodedError } from "../../src/errors.ts";
import { readBody } from "../../src/http/read-body.ts";
import type { RunningInbound } from "../../src/ui/adapter.ts";
import type { ThreadRef } from "../../src/ui/surface.ts";
import type { User } from "../../src/ui/user.ts";
import type { HttpHost, RouteHandler } from "../http-host.ts";
import { cardActivity } from "./outbound.ts";
import { baseConversationId, type ConversationReferences, replyChainRoot } from "./references.ts";
import { ACTION_VERB, REFRESH_VERB, renderCard } from "./render.ts";
import { TEAMS_PLATFORM } from "./platform.ts";

export interface TeamsInboundOptions {
  bot: Bot;
  adapter: TeamsCloudAdapter;
  /** Checks each request's Bot Framework token. */
  auth: BotFrameworkAuthentication;
  references: ConversationReferences;
  /** Where /api/messages is served (PORT, shared with Slack's receiver). */
  http: HttpHost;
  log: Logger;
  /** Tenant ids whose activities are taken ("*": any). */
  tenants: readonly string[];
}

/** The channel Teams' activities come from; Web Chat, Direct Line and the rest let clients name themselves. */
const TEAMS_CHANNEL = "msteams";

const tenantOf = (activity: Activity): string | undefined =>
  activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;

/**
 * Why an authenticated activity is still not taken: a token is valid for every channel of the Azure Bot
 * (Web Chat is on by default, and its client sets `from.id` itself), so only Teams' channel and the
 * configured tenants are served.
 */
export function identityProblem(activity: Activity, tenants: readonly string[]): string | undefined {
  if (activity.channelId !== TEAMS_CHANNEL) return `channel "${activity.channelId ?? ""}" is not Microsoft Teams`;
  const tenant = tenantOf(activity);
  if (tenants.includes("*")) return undefined;
  if (tenant === undefined || !tenants.includes(tenant)) return `tenant "${tenant ?? ""}" is not one this bot serves`;
  return undefined;
}

/** Users are `teams:<aadObjectId>` (the id approvers are configured with), named for mentions. */
const teamsUser = (from: Activity["from"]): User => ({
  platform: TEAMS_PLATFORM,
  id: from.aadObjectId ?? from.id,
  ...(from.name ? { name: from.name } : {}),
});

/** The session's thread: a channel reply chain (its root message), or the whole chat. */
function threadOf(activity: Activity): ThreadRef {
  const conversation = activity.conversation;
  const channel = baseConversationId(conversation.id);
  if (conversation.conversationType !== "channel") return { platform: TEAMS_PLATFORM, channel, thread: channel };
  return { platform: TEAMS_PLATFORM, channel, thread: replyChainRoot(conversation.id) ?? activity.id ?? channel };
}

/** The value of a codemem button, from a Universal Action invoke or an Action.Submit fallback. */
function buttonValueOf(activity: Activity): unknown {
  if (activity.type === "invoke") {
    const action = (activity.value as { action?: { verb?: string; data?: unknown } } | undefined)?.action;
    return action?.verb === ACTION_VERB ? action.data : undefined;
  }
  return (activity.value as { codemem?: unknown } | undefined)?.codemem;
}

/** The invoke response Teams shows the clicker at once: the updated card, or a card meant for them alone. */
function clickCard(result: ClickResult): InvokeResponse {
  const message = result.kind === "accepted" ? result.message : result.notice;
  return {
    status: 200,
    body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: renderCard(message) },
  };
}

/** The answer to a refresh: the person's card, or a line when the question was answered or is gone. */
function refreshCard(refreshed: Awaited<ReturnType<Bot["refreshed"]>>): InvokeResponse {
  if (refreshed === undefined)
    return {
      status: 200,
      body: {
        statusCode: 200,
        type: "application/vnd.microsoft.activity.message",
        value: "That was answered already.",
      },
    };
  const card = renderCard(refreshed.message, { readOnly: !refreshed.live });
  return { status: 200, body: { statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: card } };
}

/** One turn: store the conversation's reference, then hand the activity to the Bot. */
export function teamsTurn(bot: Bot, references: ConversationReferences, log: Logger) {
  return async (context: TurnContext): Promise<void> => {
    const activity = context.activity;
    await references.save(TurnContext.getConversationReference(activity));
    // Private answers go to a personal chat, which needs the person's Teams id and tenant.
    const tenantId = tenantOf(activity);
    if (activity.from.aadObjectId !== undefined) {
      await references.saveUser(activity.from.aadObjectId, {
        id: activity.from.id,
        tenantId,
        serviceUrl: activity.serviceUrl,
      });
    }
    const value = buttonValueOf(activity);
    const clickId = `teams-${activity.conversation.id}-${activity.id ?? ""}`;
    const action = (activity.value as { action?: { verb?: string; data?: unknown } } | undefined)?.action;
    if (activity.type === "invoke" && activity.name === "adaptiveCard/action" && action?.verb === REFRESH_VERB) {
      // A client of someone the card lists asks for their own card: live buttons if they may answer.
      const refreshed = await bot.refreshed({ user: teamsUser(activity.from), value: action.data });
      await context.sendActivity({ type: "invokeResponse", value: refreshCard(refreshed) });
      return;
    }
    if (activity.type === "invoke" && activity.name === "adaptiveCard/action") {
      // A value that is not ours comes back from Bot.onAction as "not one of mine".
      const result = await bot.onAction({ user: teamsUser(activity.from), value, eventId: clickId });
      await context.sendActivity({ type: "invokeResponse", value: clickCard(result) });
      return;
    }
    if (activity.type !== "message") return;
    if (value !== undefined) {
      // Action.Submit from a client without Universal Actions: answered with a message (an empty answer
      // is what makes Teams deliver it again), and a redelivery of the same activity is taken once.
      const result = await bot.onAction({ user: teamsUser(activity.from), value, eventId: clickId });
      const message = result.kind === "accepted" ? result.message : result.notice;
      await context
        .sendActivity(cardActivity(message))
        .catch((error: unknown) =>
          log.error({ platform: TEAMS_PLATFORM, err: asCodedError(error).message }, "teams turn failed"),
        );
      return;
    }
    const recipient = activity.recipient?.id ?? "";
    const mentioned =
      activity.conversation.conversationType === "personal" ||
      (activity.entities ?? []).some(
        (entity) =>
          entity.type === "mention" && (entity as { mentioned?: { id?: string } }).mentioned?.id === recipient,
      );
    const text = await withPeopleMentions(
      TurnContext.removeRecipientMention(activity) ?? activity.text ?? "",
      activity,
      references,
    );
    await bot.onMessage({
      user: teamsUser(activity.from),
      thread: threadOf(activity),
      text: text.trim(),
      mentioned,
      eventId: `teams-${activity.conversation.id}-${activity.id ?? ""}`,
    });
  };
}

/**
 * Other people's `<at>Name</at>` as core reads mentions (`<@aadObjectId>`, the id users are keyed by), so
 * `@codemem invite @Bob` names Bob; someone the bot has never seen keeps their Teams id.
 */
async function withPeopleMentions(
  text: string,
  activity: Activity,
  references: ConversationReferences,
): Promise<string> {
  let out = text;
  for (const entity of activity.entities ?? []) {
    const mention = entity as { type?: string; text?: string; mentioned?: { id?: string } };
    const id = mention.mentioned?.id;
    if (mention.type !== "mention" || !mention.text || !id || id === activity.recipient?.id) continue;
    out = out.replace(mention.text, `<@${(await references.aadObjectId(id)) ?? id}>`);
  }
  return out;
}

/** CloudAdapter with its turn entry point opened: we authenticate first, so every refusal is a 401. */
export class TeamsCloudAdapter extends CloudAdapter {
  turn(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(auth, activity, logic);
  }
}

/**
 * Teams' inbound half: POST /api/messages. The token is checked before anything else (a missing,
 * forged, expired or foreign one is 401: botbuilder alone answers 500 to a bad signature), then the
 * activity runs through the real CloudAdapter, whose invoke response becomes the HTTP answer.
 */
export async function startTeamsInbound(options: TeamsInboundOptions): Promise<RunningInbound> {
  const logic = teamsTurn(options.bot, options.references, options.log);
  const handler: RouteHandler = async (req, res) => {
    const reply = (status: number, body?: unknown) => {
      if (body === undefined) res.writeHead(status).end();
      else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.method !== "POST") return reply(405);
    let activity: Activity;
    try {
      activity = JSON.parse(await readBody(req, 1_000_000)) as Activity;
      if (typeof activity !== "object" || activity === null || typeof activity.type !== "string")
        throw new Error("no activity");
    } catch {
      return reply(400, { error: "the body is not an activity" });
    }
    let auth: AuthenticateRequestResult;
    try {
      auth = await options.auth.authenticateRequest(activity, req.headers.authorization ?? "");
    } catch (error) {
      options.log.warn({ platform: TEAMS_PLATFORM, err: asCodedError(error).message }, "refused a request");
      return reply(401, { error: "unauthorized" });
    }
    const problem = identityProblem(activity, options.tenants);
    if (problem !== undefined) {
      options.log.warn(
        { platform: TEAMS_PLATFORM, channel: activity.channelId, tenant: tenantOf(activity), from: activity.from?.id },
        `refused an activity: ${problem}`,
      );
      return reply(403, { error: "this bot serves Microsoft Teams in its own organization only" });
    }
    try {
      const invoke = await options.adapter.turn(auth, activity, logic);
      return reply(invoke?.status ?? 200, invoke?.body);
    } catch (error) {
      options.log.error({ platform: TEAMS_PLATFORM, err: asCodedError(error).message }, "teams activity failed");
      return reply(500, { error: "the bot failed on its side" });
    }
  };
  const url = await options.http.route("/api/messages", handler);
  const unrouteConsole = routeBotbuilderConsole(options.log);
  return {
    describe: `teams    ${url} (Bot Framework tokens checked)`,
    url,
    close: async () => {
      unrouteConsole();
      await options.http.unroute("/api/messages");
    },
  };
}
