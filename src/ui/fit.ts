import type { PlatformLimits } from "./adapter.ts";
import type { UiBlock, UiMessage } from "./message.ts";
import { renderText } from "./render-text.ts";

/** A text cut to fit, kept whole so people can still read all of it. */
export interface Overflow {
  title: string;
  text: string;
}

export interface FittedMessage {
  message: UiMessage;
  /** The full texts of what was cut, in order; the deliverer keeps them reachable. */
  overflow: Overflow[];
}

/**
 * Fits a message to a platform's limits: each long text is cut with a note saying how much is
 * missing and where to read it all (`more`, e.g. the command that shows it), and blocks past the
 * platform's count collapse into one closing line. Where the platform also caps a whole message
 * (`messageChars`), every text gets less room until the texts fit together. The cut texts come back
 * whole in `overflow`.
 */
export function fitMessage(message: UiMessage, limits: PlatformLimits, more: (index: number) => string): FittedMessage {
  let room = limits.textChars;
  let fitted = fitBlocks(message, limits, room, more);
  while (limits.messageChars !== undefined && room > MIN_ROOM) {
    const total = textLength(fitted.message.blocks);
    if (total <= limits.messageChars) break;
    room = Math.max(MIN_ROOM, Math.floor((room * limits.messageChars) / total) - 1);
    fitted = fitBlocks(message, limits, room, more);
  }
  return fitted;
}

/** Below this a cut text is mostly its note; a message still too long then is the platform's to refuse. */
const MIN_ROOM = 200;

/** Rows a table shows in chat (every platform reads a long table badly); the rest is /codemem show's. */
export const TABLE_ROWS = 10;
/** Characters a table cell shows (Slack's raw_text cells and Teams' cells wrap poorly past it). */
const TABLE_CELL_CHARS = 120;

function fitBlocks(
  message: UiMessage,
  limits: PlatformLimits,
  room: number,
  more: (index: number) => string,
): FittedMessage {
  const overflow: Overflow[] = [];
  const cut = (title: string, value: string): string => {
    if (value.length <= room) return value;
    const index = overflow.length;
    overflow.push({ title, text: value });
    const note = `\n… ${value.length - room} more characters; ${more(index)}`;
    return `${value.slice(0, Math.max(0, room - note.length))}${note}`;
  };
  const blocks = message.blocks.map((block): UiBlock => {
    switch (block.type) {
      case "text":
        return { ...block, text: cut("message", block.text) };
      case "code":
        return { ...block, source: cut(block.title ?? block.language, block.source) };
      case "sample": {
        const json = cut(`sample of ${block.toolId}`, block.json);
        return { ...block, json, truncated: block.truncated || json !== block.json };
      }
      case "question":
        return { ...block, prompt: cut("question", block.prompt) };
      case "proposal":
        return { ...block, code: cut(`${block.name} code`, block.code), preview: cut("dry run", block.preview) };
      case "todos":
        return { ...block, items: block.items.map((item) => ({ ...item, content: cut("todo", item.content) })) };
      case "table": {
        const cell = (value: string) =>
          value.length > TABLE_CELL_CHARS ? `${value.slice(0, TABLE_CELL_CHARS - 1)}…` : value;
        const rows = block.rows.slice(0, TABLE_ROWS).map((row) => row.map(cell));
        if (block.rows.length <= TABLE_ROWS) return { ...block, rows };
        const index = overflow.length;
        overflow.push({ title: "the whole table", text: renderText({ blocks: [block] }) });
        const note = `… ${block.rows.length - TABLE_ROWS} more rows; ${more(index)}`;
        return { ...block, rows: [...rows, [note, ...block.columns.slice(1).map(() => "")]] };
      }
      default:
        return block;
    }
  });
  if (blocks.length > limits.blocks) {
    const kept = blocks.slice(0, Math.max(0, limits.blocks - 1));
    const rest = message.blocks.slice(kept.length);
    overflow.push({ title: "the rest of this message", text: renderText({ blocks: rest }) });
    kept.push({ type: "text", text: `… ${rest.length} more parts not shown here; ${more(overflow.length - 1)}` });
    return { message: { ...message, blocks: kept }, overflow };
  }
  return { message: { ...message, blocks }, overflow };
}

/** Characters of text a message carries (what the fitter can cut). */
function textLength(blocks: readonly UiBlock[]): number {
  return renderText({ blocks: [...blocks] }).length;
}
