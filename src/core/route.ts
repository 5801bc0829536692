import { isCommandMention } from "./commands.ts";

/** What a chat message asks for. */
export type Route =
  | { kind: "command"; text: string }
  | { kind: "mention"; text: string }
  | { kind: "reply"; text: string };

/**
 * One decision for every adapter: `/codemem …` is a command; a mention whose first word is a
 * command word is one too (Slack sends no slash command from a thread, so `@codemem schedule …`
 * must work); any other mention starts or continues a session; the rest is a reply in a thread.
 * `mentioned` is the platform's own signal (Slack's app_mention, a Teams `<at>` entity); a leading
 * `@codemem` or `codemem` typed as text counts as one too.
 */
export function routeMessage(raw: string, mentioned: boolean): Route {
  const text = raw.trim();
  if (/^\/codemem\b/i.test(text)) return { kind: "command", text: text.replace(/^\/codemem\b/i, "").trim() };
  const typed = /^@?codemem\b[:,]?/i.exec(text);
  const body = typed ? text.slice(typed[0].length).trim() : text;
  if (!mentioned && typed === null) return { kind: "reply", text };
  if (isCommandMention(body)) return { kind: "command", text: body };
  return { kind: "mention", text: body };
}
