import type { PlatformLimits } from "../../src/ui/adapter.ts";
import type { Answer, Button, Span, Todo, UiBlock, UiMessage } from "../../src/ui/message.ts";
import { renderText } from "../../src/ui/render-text.ts";
import type { User } from "../../src/ui/user.ts";
import { SLACK_PLATFORM } from "./platform.ts";

/** A Block Kit block, as Slack's Web API takes it (we only build, never read, these). */
export type SlackBlock = Record<string, unknown>;

/** What chat.postMessage / chat.update take: blocks, and the text fallback for notifications and screen readers. */
export interface SlackPayload {
  blocks: SlackBlock[];
  text: string;
}

/**
 * Slack's limits: 50 blocks per message, 3,000 characters per section text (less the room code fences
 * and a title take), about one chat.update per second per message, ephemeral messages.
 */
export const SLACK_LIMITS: PlatformLimits = {
  textChars: 2900,
  blocks: 50,
  updateIntervalMs: 1000,
  ephemeral: true,
  // chat.postMessage: about one a second per channel, short bursts allowed.
  posts: { rate: 1, burst: 8 },
};

/** Button values must stay under 2,000 characters; ours are three short ids. */
export const ACTION_PREFIX = "codemem:";

const MAX_SECTION = 3000;
const MAX_TEXT_FALLBACK = 3000;

/** Slack's mrkdwn treats these three as control characters. */
export const mrkdwn = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

const mention = (user: User): string =>
  user.platform === SLACK_PLATFORM ? `<@${user.id}>` : `@${mrkdwn(user.name ?? user.id)}`;

function spans(list: readonly Span[]): string {
  return list
    .map((span) => {
      if ("user" in span) return mention(span.user);
      if ("group" in span)
        return span.group.platform === SLACK_PLATFORM
          ? `<!subteam^${span.group.id}>`
          : `@${mrkdwn(span.group.name ?? span.group.id)}`;
      if (span.style === "code") return `\`${mrkdwn(span.text).replaceAll("`", "ˋ")}\``;
      if (span.style === "strong") return `*${mrkdwn(span.text)}*`;
      return mrkdwn(span.text);
    })
    .join("");
}

const section = (mrkdwn: string): SlackBlock => ({
  type: "section",
  text: { type: "mrkdwn", text: mrkdwn.slice(0, MAX_SECTION) },
});
const context = (mrkdwn: string): SlackBlock => ({
  type: "context",
  elements: [{ type: "mrkdwn", text: mrkdwn.slice(0, MAX_SECTION) }],
});
/** A preformatted block: backticks inside would close the fence, so they become look-alikes. */
const preformatted = (source: string, title?: string): SlackBlock =>
  section(`${title ? `*${mrkdwn(title)}*\n` : ""}\`\`\`${mrkdwn(source).replaceAll("```", "ˋˋˋ")}\`\`\``);

const answered = (answer: Answer): SlackBlock =>
  context(
    `:white_check_mark: ${mrkdwn(answer.label)} — by ${mention(answer.by)}${answer.working ? " · working…" : ""}`,
  );

function buttons(list: readonly Button<unknown>[], blockId: string): SlackBlock {
  return {
    type: "actions",
    block_id: blockId,
    elements: list.slice(0, 25).map((button, index) => ({
      type: "button",
      action_id: `${ACTION_PREFIX}${index}`,
      text: { type: "plain_text", text: button.label.slice(0, 75), emoji: true },
      value: JSON.stringify(button.value),
      ...(button.style ? { style: button.style } : {}),
      ...(button.confirm
        ? {
            confirm: {
              title: { type: "plain_text", text: "Are you sure?" },
              text: { type: "plain_text", text: button.confirm.slice(0, 300) },
              confirm: { type: "plain_text", text: button.label.slice(0, 30) },
              deny: { type: "plain_text", text: "Cancel" },
              ...(button.style === "danger" ? { style: "danger" } : {}),
            },
          }
        : {}),
    })),
  };
}

const TODO_MARK = {
  pending: ":white_circle:",
  in_progress: ":arrow_forward:",
  completed: ":white_check_mark:",
} as const;

function bar(share: number): string {
  const filled = Math.round(share * 20);
  return `${"█".repeat(filled)}${"░".repeat(20 - filled)}`;
}

/** Slack's native plan: one task card per todo (where the client renders plan blocks). */
function planBlock(items: readonly Todo[]): SlackBlock {
  return {
    type: "plan",
    title: "Plan",
    tasks: items.map((todo, index) => ({
      type: "task_card",
      task_id: `task-${index + 1}`,
      title: todo.content.slice(0, 256),
      status: todo.status === "completed" ? "complete" : todo.status,
    })),
  };
}

/** The plan as a Block Kit checklist: where Slack answers that it does not take plan blocks. */
function checklist(items: readonly Todo[]): SlackBlock {
  return section(
    [
      "*Plan*",
      ...items.map(
        (todo) =>
          `${TODO_MARK[todo.status]} ${todo.status === "completed" ? `~${mrkdwn(todo.content)}~` : mrkdwn(todo.content)}`,
      ),
    ].join("\n"),
  );
}

/** How a message is rendered: with the native plan block, or the checklist fallback. */
export interface SlackRenderOptions {
  planBlocks: boolean;
}

function block(item: UiBlock, index: number, options: SlackRenderOptions): SlackBlock[] {
  switch (item.type) {
    case "text":
      return [section(mrkdwn(item.text))];
    case "rich":
      return [section(spans(item.spans))];
    case "fields":
      return [
        {
          type: "section",
          fields: item.fields.slice(0, 10).map((field) => ({
            type: "mrkdwn",
            text: `*${mrkdwn(field.label)}*\n${mrkdwn(field.value)}`.slice(0, 2000),
          })),
        },
      ];
    case "todos":
      return options.planBlocks ? [planBlock(item.items)] : [checklist(item.items)];
    case "code":
      return [preformatted(item.source, item.title)];
    case "sample":
      return [
        context(`Sample of \`${mrkdwn(item.toolId)}\`${item.note ? ` (${mrkdwn(item.note)})` : ""}`),
        preformatted(item.json + (item.truncated ? "\n…" : "")),
      ];
    case "question":
      return [
        section(mrkdwn(item.prompt)),
        item.answered ? answered(item.answered) : buttons(item.buttons, `q${index}`),
      ];
    case "actions":
      return item.buttons.length === 0 ? [] : [buttons(item.buttons, `a${index}`)];
    case "table":
      // Slack's table block: raw_text cells, the header as the first row (at most 100 rows, 20 columns).
      return [
        {
          type: "table",
          rows: [item.columns, ...item.rows]
            .slice(0, 100)
            .map((row) => row.slice(0, 20).map((cell) => ({ type: "raw_text", text: cell === "" ? " " : cell }))),
        },
      ];
    case "proposal":
      return [
        { type: "header", text: { type: "plain_text", text: `Proposed skill: ${item.name}`.slice(0, 150) } },
        section(mrkdwn(item.description)),
        context(item.tools.map((tool) => `\`${mrkdwn(tool.id)}\` ${tool.access}`).join(" · ")),
        preformatted(item.code, "Code"),
        preformatted(item.preview, "Dry run"),
        section(`Approve runs it now with \`${mrkdwn(JSON.stringify(item.sampleParams))}\``),
        item.answered ? answered(item.answered) : buttons(item.buttons, `p${index}`),
      ];
    case "progress": {
      const finished = item.done + item.skipped + item.failed;
      const share = item.total > 0 ? Math.min(1, finished / item.total) : 0;
      const eta = item.etaSeconds === null ? "" : ` · ETA ${Math.round(item.etaSeconds)} s`;
      return [
        section(
          `\`${bar(share)}\` ${Math.round(share * 100)}%\n${finished}/${item.total} · done ${item.done} · skipped ${item.skipped} · failed ${item.failed} · ${item.ratePerSecond.toFixed(1)}/s${eta}`,
        ),
      ];
    }
  }
}

/** A UiMessage as Block Kit (already fitted to SLACK_LIMITS by the deliverer) with its text fallback. */
export function renderSlack(message: UiMessage, options: SlackRenderOptions = { planBlocks: true }): SlackPayload {
  const blocks = message.blocks.flatMap((item, index) => block(item, index, options));
  if (message.demo) blocks.unshift(context(":performing_arts: demo replay: scripted model, real sandbox and tools"));
  // The fallback is mrkdwn too (notifications, screen readers): a tool's `<!channel>` must not ping anyone.
  return { blocks: blocks.slice(0, 50), text: mrkdwn(renderText(message)).slice(0, MAX_TEXT_FALLBACK) };
}
