/** What `/codemem …` (or `@codemem …` with a command word) asks for. One parser serves both. */
export type ParsedCommand = { name: "help" } | { name: "skills" } | { name: "unknown"; word: string };

export const COMMAND_HELP = [
  "@codemem <task>      start a session in this thread: discover tools, probe, plan, propose a skill",
  "/codemem skills      list the approved skills",
  "/codemem help        this help",
].join("\n");

export function parseCommand(text: string): ParsedCommand {
  const words = text.trim().replace(/^\/?codemem\b/i, "").trim().split(/\s+/).filter(Boolean);
  const word = (words[0] ?? "help").toLowerCase();
  if (word === "help") return { name: "help" };
  if (word === "skills") return { name: "skills" };
  return { name: "unknown", word };
}

/** Whether a mention is really a command (`@codemem skills`), since Slack sends no slash command from a thread. */
export function isCommandMention(text: string): boolean {
  return /^\s*(help|skills)\s*$/i.test(text);
}
