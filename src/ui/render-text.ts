import type { UiBlock, UiMessage } from "./message.ts";

const MARK: Record<string, string> = { pending: "[ ]", in_progress: "[~]", completed: "[x]" };

/** Plain-text rendering of a UiMessage: the terminal demo prints it, tests read it. */
export function renderText(message: UiMessage): string {
  const body = message.blocks.map(renderBlock).join("\n");
  return message.demo ? `[demo replay] ${body}` : body;
}

function renderBlock(block: UiBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "todos":
      return ["Plan:", ...block.items.map((item) => `  ${MARK[item.status]} ${item.content}`)].join("\n");
    case "code":
      return `${block.title ? `${block.title}\n` : ""}\`\`\`${block.language}\n${block.source}\n\`\`\``;
    case "sample":
      return `Sample of ${block.toolId}${block.note ? ` (${block.note})` : ""}:\n${block.json}${block.truncated ? "\n…" : ""}`;
    case "question":
      return `${block.prompt}\n${block.answered ? `  → answered: ${block.answered}` : block.buttons.map((b) => `  [ ${b.label} ]`).join(" ")}`;
    case "proposal":
      return [
        `Proposed skill: ${block.name} — ${block.description}`,
        `Parameters: ${JSON.stringify(block.params)}`,
        `Tools: ${block.tools.map((tool) => `${tool.id} (${tool.access})`).join(", ")}`,
        `Dry run: ${block.preview}`,
        block.answered ? `  → ${block.answered}` : block.buttons.map((b) => `  [ ${b.label} ]`).join(" "),
      ].join("\n");
    case "progress": {
      const finished = block.done + block.skipped + block.failed;
      const eta = block.etaSeconds === null ? "" : `, ETA ${Math.round(block.etaSeconds)} s`;
      return `Progress: ${finished}/${block.total} (done ${block.done}, skipped ${block.skipped}, failed ${block.failed}) ${block.ratePerSecond.toFixed(1)}/s${eta}`;
    }
  }
}
