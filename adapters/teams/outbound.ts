import type { Activity, CloudAdapter, ConversationReference, TurnContext } from "botbuilder";
import { CodedError } from "../../src/errors.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import { labelledFor, type Todo, type UiMessage } from "../../src/ui/message.ts";
import type { User } from "../../src/ui/user.ts";
import type { ConversationReferences } from "./references.ts";
import { type CardOptions, liveButton, renderCard, TEAMS_LIMITS } from "./render.ts";
import { TEAMS_PLATFORM } from "./platform.ts";

/** The part of CloudAdapter proactive delivery uses. */
export type ProactiveAdapter = Pick<CloudAdapter, "continueConversationAsync" | "createConversationAsync">;

/** The activity that carries a card. */
export function cardActivity(message: UiMessage, options: CardOptions = {}): Partial<Activity> {
  const card = renderCard(message, options);
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
  /** Teams took (or has not yet refused) streamed messages from this bot. */
  private streams = true;
  /** Streams this process started and has not ended, by conversation: the plan they show last. */
  private readonly open = new Map<string, { stream: StreamRef; message: UiMessage }>();

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
    const { reference, threaded, personal } = await this.reference(target);
    if (personal && options.visibleTo === undefined && planOf(message) !== undefined && this.streams) {
      const streamed = await this.startStream(reference, message);
      if (streamed !== undefined) {
        this.open.set(target.channel, { stream: streamed, message });
        return { id: streamId(streamed), thread: target.thread ?? target.channel };
      }
    }
    const card = await this.cardOptions(message);
    let id = "";
    await this.turn(reference, async (context) => {
      id = (await context.sendActivity(cardActivity(message, card)))?.id ?? "";
    });
    // In a channel, a post outside a reply chain starts one: its id is the new chain's root.
    return { id, thread: threaded ? (target.thread ?? id) : (target.thread ?? target.channel) };
  }

  async update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    const { reference } = await this.reference(target);
    const stream = parseStreamId(id);
    if (stream !== undefined && (await this.continueStream(reference, stream, message))) {
      const done = planOf(message)?.every((todo) => todo.status === "completed") ?? true;
      if (done) this.open.delete(target.channel);
      else this.open.set(target.channel, { stream, message });
      return;
    }
    if (stream !== undefined) this.open.delete(target.channel);
    const card = await this.cardOptions(message);
    await this.turn(reference, async (context) => {
      await context.updateActivity({ ...cardActivity(message, card), id: stream?.activityId ?? id });
    });
  }

  /**
   * The plan in a personal chat as Teams streams a bot's work: an informative update (a typing activity
   * with streaminfo) now, more as the plan moves, the card as the final message once every step is done.
   * The message's id carries the stream's start, so any process continues it with a higher sequence.
   * Where Teams refuses streaming, the plan is a card from then on (this process).
   */
  private async startStream(
    reference: Partial<ConversationReference>,
    message: UiMessage,
  ): Promise<StreamRef | undefined> {
    const started = Date.now();
    try {
      let activityId = "";
      await this.turn(reference, async (context) => {
        activityId = (await context.sendActivity(informative(message, 1)))?.id ?? "";
      });
      return { started, activityId };
    } catch (error) {
      if ((error as CodedError).retryable !== false) throw error;
      this.streams = false;
      return undefined;
    }
  }

  /** Continues a streamed plan; false when it cannot go on as a stream (then the card is updated in place). */
  private async continueStream(
    reference: Partial<ConversationReference>,
    stream: StreamRef,
    message: UiMessage,
  ): Promise<boolean> {
    const plan = planOf(message);
    if (plan === undefined) return false;
    const done = plan.every((todo) => todo.status === "completed");
    const id = stream.activityId;
    try {
      await this.turn(reference, async (context) => {
        // Sequences only grow, whichever process sends: milliseconds since the stream started.
        const sequence = Date.now() - stream.started + 2;
        await context.sendActivity(
          done
            ? { ...cardActivity(message), ...streamFields({ streamId: id, streamType: "final" }) }
            : informative(message, sequence, id),
        );
      });
      return true;
    } catch (error) {
      if ((error as CodedError).retryable !== false) throw error;
      // The stream was closed (finished, or by Teams): the message it left is updated as a card.
      return false;
    }
  }

  /**
   * The bot stopped working in the conversation (its status line cleared: the turn ended or waits for
   * a click): a plan still streaming there ends as its final message, so it stays in the chat.
   */
  async status(target: DeliveryTarget, text: string): Promise<void> {
    const open = this.open.get(target.channel);
    if (text !== "" || open === undefined) return;
    this.open.delete(target.channel);
    const { reference } = await this.reference(target);
    await this.turn(reference, async (context) => {
      await context.sendActivity({
        ...cardActivity(open.message),
        ...streamFields({ streamId: open.stream.activityId, streamType: "final" }),
      });
    }).catch((error: unknown) => {
      // Teams closed it already (a later update ended it, or its time ran out): nothing left to end.
      if ((error as CodedError).retryable !== false) throw error;
    });
  }

  /**
   * The Teams ids of the people who may answer, when the message has buttons (refresh.userIds). Teams
   * needs each one's id in the chat (29:…), known once they have written to the bot; while one of them
   * is not known yet, the card keeps its buttons for everyone (clicks are checked either way), so no one
   * who may answer is left without them.
   */
  private async cardOptions(message: UiMessage): Promise<CardOptions> {
    if (message.answerers === undefined || liveButton(message) === undefined) return {};
    const ids: string[] = [];
    for (const user of message.answerers) {
      if (user.platform !== TEAMS_PLATFORM) continue;
      const known = await this.references.user(user.id);
      if (known === undefined) return {};
      if (!ids.includes(known.id)) ids.push(known.id);
    }
    return ids.length > 60 ? {} : { answerers: ids };
  }

  /** Teams counts 50 requests a second per app per tenant: each tenant gets a bucket of its own. */
  async callScope(channel: string): Promise<string | undefined> {
    const tenant = (await this.references.get(channel))?.conversation?.tenantId;
    return tenant === undefined ? undefined : `tenant/${tenant}`;
  }

  private async reference(
    target: DeliveryTarget,
  ): Promise<{ reference: Partial<ConversationReference>; threaded: boolean; personal: boolean }> {
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
      personal: stored.conversation?.conversationType === "personal",
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

/** The plan, when the message is a plan and nothing else. */
function planOf(message: UiMessage): Todo[] | undefined {
  const only = message.blocks.length === 1 ? message.blocks[0] : undefined;
  return only?.type === "todos" ? only.items : undefined;
}

/** One informative update of a streamed plan: where it stands, in a line. */
/**
 * Teams' stream fields, as its streaming protocol takes them: a `streaminfo` entity, and the same in
 * channelData (botbuilder's connector client keeps only an entity's `type` when it serializes one).
 */
function streamFields(info: Record<string, unknown>): Partial<Activity> {
  return { entities: [{ type: "streaminfo", ...info }], channelData: info };
}

function informative(message: UiMessage, sequence: number, streamId?: string): Partial<Activity> {
  const plan = planOf(message) ?? [];
  const done = plan.filter((todo) => todo.status === "completed").length;
  const current = plan.find((todo) => todo.status === "in_progress") ?? plan.find((todo) => todo.status === "pending");
  return {
    type: "typing",
    text: `Plan ${done}/${plan.length}${current === undefined ? "" : `: ${current.content}`}`.slice(0, 1000),
    ...streamFields({ streamType: "informative", streamSequence: sequence, ...(streamId ? { streamId } : {}) }),
  };
}

/** A stream: when it started (its sequences count from it) and its first activity (the stream's id). */
interface StreamRef {
  started: number;
  activityId: string;
}

const streamId = (stream: StreamRef): string => `stream-${stream.started}-${stream.activityId}`;

/** A streamed message's id: `stream-<start ms>-<activity id>`. */
function parseStreamId(id: string): StreamRef | undefined {
  const match = /^stream-(\d+)-(.+)$/.exec(id);
  return match === null ? undefined : { started: Number(match[1]), activityId: match[2] as string };
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
