import type { Activity, CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import { CodedError } from "../../src/errors.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import { labelledFor, type UiMessage } from "../../src/ui/message.ts";
import type { User } from "../../src/ui/user.ts";
import type { ConversationReferences } from "./references.ts";
import { renderCard, TEAMS_LIMITS } from "./render.ts";
import { TEAMS_PLATFORM } from "./platform.ts";

/** The part of CloudAdapter proactive delivery uses. */
export type ProactiveAdapter = Pick<CloudAdapter, "continueConversationAsync" | "createConversationAsync">;

/** The activity that carries a card. */
export function cardActivity(message: UiMessage): Partial<Activity> {
  const card = renderCard(message);
  return {
    type: "message",
    summary: card.fallbackText.slice(0, 200),
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: card }],
  };
}

/**
 * Teams' outbound half: Adaptive Cards posted and updated proactively with the conversation reference
 * stored in Redis (continueConversationAsync), so any process with the bot's credentials delivers.
 * Teams has no ephemeral messages for bots outside invokes: a private notice goes to a personal chat
 * with the person (the bot has seen them, so their Teams id and tenant are known), else it is posted
 * where asked, saying whom it is for; the invoke response gives a clicker a card of their own.
 */
export class TeamsOutbound implements OutboundAdapter {
  readonly platform = TEAMS_PLATFORM;
  readonly limits = TEAMS_LIMITS;

  constructor(
    private readonly adapter: ProactiveAdapter,
    private readonly appId: string,
    private readonly references: ConversationReferences,
  ) {}

  async post(
    target: DeliveryTarget,
    message: UiMessage,
    options: { visibleTo?: User | undefined } = {},
  ): Promise<PostedRef> {
    const person = options.visibleTo;
    if (person !== undefined) {
      const privately = await this.postPrivately(person, message);
      if (privately !== undefined) return { id: privately, thread: target.thread ?? target.channel };
      // Never seen in a chat of its own: posted where asked, saying plainly whom it is for.
      message = labelledFor(message, person);
    }
    const { reference, threaded } = await this.reference(target);
    let id = "";
    await this.turn(reference, async (context) => {
      id = (await context.sendActivity(cardActivity(message)))?.id ?? "";
    });
    // In a channel, a post outside a reply chain starts one: its id is the new chain's root.
    return { id, thread: threaded ? (target.thread ?? id) : (target.thread ?? target.channel) };
  }

  async update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    const { reference } = await this.reference(target);
    await this.turn(reference, async (context) => {
      await context.updateActivity({ ...cardActivity(message), id });
    });
  }

  /** Teams counts 50 requests a second per app per tenant: each tenant gets a bucket of its own. */
  async callScope(channel: string): Promise<string | undefined> {
    const tenant = (await this.references.get(channel))?.conversation?.tenantId;
    return tenant === undefined ? undefined : `tenant/${tenant}`;
  }

  private async reference(
    target: DeliveryTarget,
  ): Promise<{ reference: Partial<ConversationReference>; threaded: boolean }> {
    const stored = await this.references.get(target.channel);
    if (stored === undefined) {
      throw new CodedError(
        "CHAT_DELIVERY_FAILED",
        `no Teams conversation reference for ${target.channel}: the bot has not heard from it`,
        { retryable: false },
      );
    }
    const threaded = stored.conversation?.conversationType === "channel";
    const id =
      threaded && target.thread !== undefined ? `${target.channel};messageid=${target.thread}` : target.channel;
    return {
      reference: { ...stored, conversation: { ...stored.conversation, id } } as Partial<ConversationReference>,
      threaded,
    };
  }

  /** A personal chat with the person (Teams finds or creates it), or undefined when we cannot reach them. */
  private async postPrivately(person: User, message: UiMessage): Promise<string | undefined> {
    const user = person.platform === TEAMS_PLATFORM ? await this.references.user(person.id) : undefined;
    if (user === undefined) return undefined;
    const tenant =
      user.tenantId === undefined ? {} : { tenantId: user.tenantId, channelData: { tenant: { id: user.tenantId } } };
    const parameters = {
      isGroup: false,
      bot: { id: this.appId, name: "codemem" },
      members: [{ id: user.id, name: person.name ?? person.id }],
      ...tenant,
    } as Parameters<ProactiveAdapter["createConversationAsync"]>[4];
    let id = "";
    try {
      await this.adapter.createConversationAsync(
        this.appId,
        "msteams",
        user.serviceUrl,
        "",
        parameters,
        async (context) => {
          id = (await context.sendActivity(cardActivity(message)))?.id ?? "";
        },
      );
    } catch (error) {
      throw asOurs(error);
    }
    return id;
  }

  /** One proactive turn; Bot Connector errors become ours (429 with its retry-after). */
  private async turn(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.appId, reference, logic);
    } catch (error) {
      throw asOurs(error);
    }
  }
}

/** A Bot Connector error as ours: 429 with its retry-after; 5xx and network errors worth retrying. */
function asOurs(error: unknown): CodedError {
  const status = statusOf(error);
  if (status === 429) {
    const seconds = Number(retryAfterOf(error) ?? 1);
    return new CodedError("CHAT_RATE_LIMITED", "Teams answered 429", {
      retryAfterMs: (Number.isFinite(seconds) ? seconds : 1) * 1000,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CodedError("CHAT_DELIVERY_FAILED", `Teams refused it: ${status ?? ""} ${message}`.trim(), {
    retryable: status === undefined || status >= 500,
    cause: error,
  });
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; response?: { status?: unknown } };
  const status = e.statusCode ?? e.response?.status;
  return typeof status === "number" ? status : undefined;
}

function retryAfterOf(error: unknown): string | undefined {
  const headers = (
    error as { response?: { headers?: { get?: (name: string) => string | undefined } & Record<string, unknown> } }
  ).response?.headers;
  if (headers === undefined) return undefined;
  if (typeof headers.get === "function") return headers.get("retry-after") ?? undefined;
  const value = headers["retry-after"];
  return typeof value === "string" ? value : undefined;
}
