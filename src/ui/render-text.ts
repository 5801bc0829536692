import type { Answer, Span, UiBlock, UiMessage } from "./message.ts";
import { displayName } from "./user.ts";

const MARK: Record<string, string> = { pending: "[ ]", in_progress: "[~]", completed: "[x]" };

/** Plain-text rendering of a UiMessage: the terminal demo prints it, tests read it, adapters use it as fallback. */
export function renderText(message: UiMessage): string {
  const body = message.blocks.map(renderBlock).join("\n");
  return message.demo ? `[demo replay] ${body}` : body;
}

export function spansText(spans: readonly Span[]): string {
  return spans
    .map((span) =>
      "user" in span ? `@${displayName(span.user)}` : "group" in span ? `@${displayName(span.group)}` : span.text,
    )
    .join("");
}

export function answerText(answer: Answer): string {
  return `${answer.label} (by ${displayName(answer.by)})${answer.working ? " working…" : ""}`;
}

function renderBlock(block: UiBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "rich":
      return spansText(block.spans);
    case "fields":
      return block.fields.map((field) => `${field.label}: ${field.value}`).join("\n");
    case "todos":
      return ["Plan:", ...block.items.map((item) => `  ${MARK[item.status]} ${item.content}`)].join("\n");
    case "code":
      return `${block.title ? `${block.title}\n` : ""}${block.source}`;
    case "sample":
      return `Sample of ${block.toolId}${block.note ? ` (${block.note})` : ""}:\n${block.json}${block.truncated ? "\n…" : ""}`;
    case "question":
      return `${block.prompt}\n${block.answered ? `  → answered: ${answerText(block.answered)}` : block.buttons.map((b) => `  [ ${b.label} ]`).join(" ")}`;
    case "actions":
      return block.buttons.map((b) => `[ ${b.label} ]`).join(" ");
    case "table":
      return [block.columns, ...block.rows].map((row) => row.join(" | ").trimEnd()).join("\n");
    case "proposal":
      return [
        `Proposed skill: ${block.name} — ${block.description}`,
        `Parameters: ${JSON.stringify(block.params)}`,
        `Approve runs it with: ${JSON.stringify(block.sampleParams)}`,
        `Tools: ${block.tools.map((tool) => `${tool.id} (${tool.access})`).join(", ")}`,
        `Dry run: ${block.preview}`,
        block.answered ? `  → ${answerText(block.answered)}` : block.buttons.map((b) => `  [ ${b.label} ]`).join(" "),
      ].join("\n");
    case "progress": {
      const finished = block.done + block.skipped + block.failed;
      const eta = block.etaSeconds === null ? "" : `, ETA ${Math.round(block.etaSeconds)} s`;
      return `Progress: ${finished}/${block.total} (done ${block.done}, skipped ${block.skipped}, failed ${block.failed}) ${block.ratePerSecond.toFixed(1)}/s${eta}`;
    }
  }
}
