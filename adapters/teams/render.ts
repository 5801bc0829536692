import type { PlatformLimits } from "../../src/ui/adapter.ts";
import type { Answer, Button, Span, UiBlock, UiMessage } from "../../src/ui/message.ts";
import { renderText } from "../../src/ui/render-text.ts";
import type { User } from "../../src/ui/user.ts";
import { TEAMS_PLATFORM } from "./platform.ts";

/** An Adaptive Card element or action, as JSON (we only build them). */
export type CardElement = Record<string, unknown>;

export interface AdaptiveCard {
  type: "AdaptiveCard";
  $schema: string;
  version: "1.5";
  body: CardElement[];
  fallbackText: string;
  msteams: { width: "Full"; entities: CardElement[] };
  /** Universal Actions: the clients of `userIds` ask the bot for their own card (live buttons). */
  refresh?: { action: CardElement; userIds: string[] } | undefined;
}

/** The verb of the refresh a card asks its answerers' clients to make (Universal Actions). */
export const REFRESH_VERB = "codemem-refresh";

/** How a card is rendered: with `answerers`' Teams ids, the buttons are theirs alone (refresh.userIds). */
export interface CardOptions {
  /** The Teams ids (29:…) of the people who may answer; at most 60 are listed. */
  answerers?: readonly string[] | undefined;
  /** The card without its question's or proposal's buttons (what a refresh gives someone who may not answer). */
  readOnly?: boolean | undefined;
}

/** The session button a refresh is about (the first live one of the message), or undefined. */
export function liveButton(message: UiMessage): { sessionId: string; pendingId: string } | undefined {
  for (const block of message.blocks)
    if ((block.type === "question" || block.type === "proposal") && block.buttons[0] !== undefined) {
      const { sessionId, pendingId } = block.buttons[0].value;
      return { sessionId, pendingId };
    }
  return undefined;
}

/**
 * Teams takes about 28 KB per message; cards stay under it with room for the activity around them.
 * Updates: Teams allows about 7 messages a second per conversation; one update a second per message
 * keeps a progress bar well inside that.
 */
export const TEAMS_LIMITS: PlatformLimits = {
  textChars: 2500,
  blocks: 30,
  // A card's texts together, leaving room for the card's JSON around them within about 28 KB.
  messageChars: 18_000,
  updateIntervalMs: 1000,
  // Private notices go to a personal chat with the person (TeamsOutbound), or say whom they are for.
  ephemeral: true,
  // About 7 messages a second per conversation; a little under it leaves room for updates.
  posts: { rate: 5, burst: 5 },
  // 50 requests a second per app per tenant (TeamsOutbound.callScope gives each tenant its bucket).
  calls: { rate: 50, burst: 50 },
};
export const MAX_CARD_BYTES = 27_000;

/** The verb every codemem button carries; the data is the button's value. */
export const ACTION_VERB = "codemem";

/**
 * Text from tools, models and people as it was written: Adaptive Cards read TextBlock text as markdown,
 * so an email subject `[invoice](https://evil.example)` would be a link whose words hide where it goes,
 * and `<at>…</at>` a mention. A zero-width space between `]` and `(`, and after `<`, leaves both as
 * text on every client (backslash escapes are read differently on desktop and mobile).
 */
export function plain(value: string): string {
  return value.replaceAll("](", "]\u200B(").replaceAll("<", "<\u200B");
}

/** Builds one card, collecting the mentions its text uses (Teams needs them as entities). */
class CardBuilder {
  readonly entities = new Map<string, CardElement>();
  private ids = 0;

  mention(user: User): string {
    const name = plain(user.name ?? user.id);
    const text = `<at>${name}</at>`;
    if (user.platform === TEAMS_PLATFORM)
      this.entities.set(user.id, { type: "mention", text, mentioned: { id: user.id, name } });
    return user.platform === TEAMS_PLATFORM ? text : `@${name}`;
  }

  spans(list: readonly Span[]): string {
    return list
      .map((span) => {
        if ("user" in span) return this.mention(span.user);
        if ("group" in span) return `@${plain(span.group.name ?? span.group.id)}`;
        return span.style === "strong" ? `**${plain(span.text)}**` : plain(span.text);
      })
      .join("");
  }

  id(): string {
    return `codemem-${++this.ids}`;
  }
}

/** A TextBlock of markdown codemem wrote (its parts from elsewhere already through `plain`). */
const text = (value: string, extra: CardElement = {}): CardElement => ({
  type: "TextBlock",
  text: value,
  wrap: true,
  ...extra,
});
const mono = (value: string, extra: CardElement = {}): CardElement =>
  text(plain(value), { fontType: "Monospace", ...extra });

function answered(card: CardBuilder, answer: Answer): CardElement {
  return text(`✓ ${plain(answer.label)} — by ${card.mention(answer.by)}${answer.working ? " · working…" : ""}`, {
    color: "Good",
  });
}

function actions(list: readonly Button<unknown>[]): CardElement {
  return {
    type: "ActionSet",
    actions: list.map((button) => ({
      // Universal Actions: the invoke carries the verb and data; older clients fall back to Submit.
      type: "Action.Execute",
      title: button.label,
      verb: ACTION_VERB,
      data: button.value,
      ...(button.style === "primary"
        ? { style: "positive" }
        : button.style === "danger"
          ? { style: "destructive" }
          : {}),
      fallback: { type: "Action.Submit", title: button.label, data: { codemem: button.value } },
    })),
  };
}

/** A long text that opens and closes: Action.ToggleVisibility on a monospace block. */
function collapsible(card: CardBuilder, title: string, source: string, collapsed: boolean): CardElement[] {
  const id = card.id();
  return [
    { type: "ActionSet", actions: [{ type: "Action.ToggleVisibility", title: plain(title), targetElements: [id] }] },
    mono(source, { id, isVisible: !collapsed }),
  ];
}

const TODO_MARK = { pending: "☐", in_progress: "▶", completed: "☑" } as const;

function element(card: CardBuilder, block: UiBlock): CardElement[] {
  switch (block.type) {
    case "text":
      return [text(plain(block.text))];
    case "rich":
      return [text(card.spans(block.spans))];
    case "fields":
      return [
        {
          type: "FactSet",
          facts: block.fields.map((field) => ({ title: plain(field.label), value: plain(field.value) })),
        },
      ];
    case "todos":
      return [
        text("**Plan**"),
        ...block.items.map((todo) =>
          text(`${TODO_MARK[todo.status]} ${plain(todo.content)}`, {
            spacing: "None",
            ...(todo.status === "completed" ? { isSubtle: true } : {}),
          }),
        ),
      ];
    case "code":
      return collapsible(card, block.title ?? block.language, block.source, block.collapsed === true);
    case "sample":
      return [
        text(plain(`Sample of ${block.toolId}${block.note ? ` (${block.note})` : ""}`), { weight: "Bolder" }),
        mono(block.json + (block.truncated ? "\n…" : "")),
      ];
    case "question":
      return [text(plain(block.prompt)), block.answered ? answered(card, block.answered) : actions(block.buttons)];
    case "actions":
      return block.buttons.length === 0 ? [] : [actions(block.buttons)];
    case "table":
      // Adaptive Cards 1.5's Table: the header as its first row.
      return [
        {
          type: "Table",
          firstRowAsHeader: true,
          columns: block.columns.map(() => ({ width: 1 })),
          rows: [block.columns, ...block.rows].map((row) => ({
            type: "TableRow",
            cells: row.map((cell) => ({
              type: "TableCell",
              items: [text(plain(cell), { wrap: true, spacing: "None" })],
            })),
          })),
        },
      ];
    case "proposal":
      return [
        text(plain(`Proposed skill: ${block.name}`), { size: "Large", weight: "Bolder" }),
        text(plain(block.description)),
        { type: "FactSet", facts: block.tools.map((tool) => ({ title: plain(tool.id), value: tool.access })) },
        ...collapsible(card, "Code", block.code, true),
        text("Dry run", { weight: "Bolder" }),
        mono(block.preview),
        text(plain(`Approve runs it now with ${JSON.stringify(block.sampleParams)}`)),
        block.answered ? answered(card, block.answered) : actions(block.buttons),
      ];
    case "progress": {
      const finished = block.done + block.skipped + block.failed;
      const share = block.total > 0 ? Math.min(1, finished / block.total) : 0;
      const bar = `${"█".repeat(Math.round(share * 20))}${"░".repeat(20 - Math.round(share * 20))}`;
      const eta = block.etaSeconds === null ? "" : ` · ETA ${Math.round(block.etaSeconds)} s`;
      return [
        mono(`${bar} ${Math.round(share * 100)}%`),
        text(
          `${finished}/${block.total} · done ${block.done} · skipped ${block.skipped} · failed ${block.failed} · ${block.ratePerSecond.toFixed(1)}/s${eta}`,
          { isSubtle: true, spacing: "None" },
        ),
      ];
    }
  }
}

/**
 * A UiMessage as an Adaptive Card 1.5 (already fitted to TEAMS_LIMITS), kept under Teams' size. With
 * `answerers`, a question's or proposal's buttons are left out of the card everyone sees and the card
 * asks those people's clients to refresh it: the bot then gives each of them the card with buttons.
 */
export function renderCard(message: UiMessage, options: CardOptions = {}): AdaptiveCard {
  const card = new CardBuilder();
  const button = liveButton(message);
  const refreshed = button !== undefined && (options.answerers?.length ?? 0) > 0;
  const stripped = button !== undefined && (refreshed || options.readOnly === true);
  const shown = stripped
    ? {
        ...message,
        blocks: message.blocks.map((block) =>
          block.type === "question" || block.type === "proposal" ? { ...block, buttons: [] } : block,
        ),
      }
    : message;
  const body = shown.blocks.flatMap((block) => element(card, block));
  if (stripped)
    body.push(text(plain(`Its buttons show for ${answererNames(message)}.`), { isSubtle: true, size: "Small" }));
  if (message.demo)
    body.unshift(text("demo replay: scripted model, real sandbox and tools", { isSubtle: true, size: "Small" }));
  const built: AdaptiveCard = {
    type: "AdaptiveCard",
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    version: "1.5",
    body,
    fallbackText: renderText(message).slice(0, 6000),
    msteams: { width: "Full", entities: [...card.entities.values()] },
    ...(refreshed
      ? {
          refresh: {
            action: { type: "Action.Execute", verb: REFRESH_VERB, data: button },
            userIds: (options.answerers ?? []).slice(0, 60),
          },
        }
      : {}),
  };
  return shrink(built);
}

/** Who may answer, as the card says it to everyone else. */
function answererNames(message: UiMessage): string {
  const names = (message.answerers ?? []).map((user) => user.name ?? user.id);
  return names.length === 0 ? "the people who may answer" : [...new Set(names)].join(", ");
}

/**
 * The last guard on size: the fitter already kept the texts under TEAMS_LIMITS.messageChars (and
 * their whole versions reachable); a card whose JSON still exceeds Teams' size gets its longest texts
 * cut further, saying so.
 */
function shrink(card: AdaptiveCard): AdaptiveCard {
  let size = Buffer.byteLength(JSON.stringify(card));
  let room = 2000;
  while (size > MAX_CARD_BYTES && room > 100) {
    for (const item of card.body) {
      if (typeof item.text === "string" && item.text.length > room)
        item.text = `${item.text.slice(0, room)}\n… (cut to fit Teams)`;
    }
    room = Math.floor(room / 2);
    size = Buffer.byteLength(JSON.stringify(card));
  }
  return card;
}
