import { userError } from "../errors.ts";

/** What `/codemem …` (or `@codemem …` with a command word) asks for. One parser serves both. */
export type ParsedCommand =
  | { name: "help" }
  | { name: "skills" }
  | { name: "run"; skill: string; params: Record<string, unknown> }
  | { name: "status"; runId?: string | undefined }
  | { name: "runs"; skill?: string | undefined }
  | { name: "schedule"; skill: string; cron: string; tz?: string | undefined; params: Record<string, unknown> }
  | { name: "schedules" }
  | { name: "unschedule"; id: string }
  | { name: "rollback"; skill: string; version: number }
  | { name: "diff"; skill: string; from: number; to: number }
  | { name: "show"; id: string; part: number }
  | { name: "audit"; skill?: string | undefined }
  | { name: "invite" | "handover"; person: string };

export const COMMAND_HELP = [
  "@codemem <task>                              start a session in this thread: discover, probe, plan, propose a skill",
  "/codemem skills                              the approved skills",
  '/codemem run <skill> [json]                  run a skill now, e.g. /codemem run archive-attachments {"days": 7}',
  "/codemem status [run]                        progress of a run (default: the latest runs)",
  "/codemem runs [skill]                        recent runs: who, when, version, values, counts; run one again",
  '/codemem schedule <skill> "<cron>" [tz] [json]   e.g. /codemem schedule archive-attachments "0 8 * * 1-5" Europe/Paris',
  "/codemem schedules                           the schedules",
  "/codemem unschedule <id>                     remove a schedule",
  "/codemem rollback <skill> <version>          make an earlier version the one that runs",
  "/codemem diff <skill> <from> <to>            what changed between two versions",
  "/codemem show <message> <part>               the whole text of something cut to fit the chat",
  "/codemem audit [skill]                       who approved, ran and changed what, latest first (approvers)",
  "@codemem invite @person                      in a session's thread: let them steer it and answer it too",
  "@codemem handover @person                    in a session's thread: make it theirs (you stay invited)",
  "/codemem help                                this help",
].join("\n");

const COMMAND_WORDS = new Set([
  "help",
  "skills",
  "run",
  "status",
  "runs",
  "schedule",
  "schedules",
  "unschedule",
  "rollback",
  "diff",
  "show",
  "audit",
  "invite",
  "handover",
]);

/** Whether a mention is really a command (`@codemem run x`), since Slack sends no slash command from a thread. */
export function isCommandMention(text: string): boolean {
  return COMMAND_WORDS.has(text.trim().split(/\s+/)[0]?.toLowerCase() ?? "");
}

/** Parses the words after `/codemem`; a mistake is one user error saying what to type instead. */
export function parseCommand(text: string): ParsedCommand {
  const body = text
    .trim()
    .replace(/^\/?codemem\b/i, "")
    .trim();
  const jsonStart = body.search(/(^|\s)[[{]/) === -1 ? -1 : body.search(/[[{]/);
  const head = jsonStart === -1 ? body : body.slice(0, jsonStart);
  const params = jsonStart === -1 ? {} : parseJson(body.slice(jsonStart));
  const words = tokenize(head);
  const word = (words[0] ?? "help").toLowerCase();
  const usage = (line: string) => userError("COMMAND_USAGE", `usage: ${line} (see /codemem help)`);
  switch (word) {
    case "help":
    case "skills":
    case "schedules":
      return { name: word };
    case "run":
      if (words.length !== 2) throw usage("/codemem run <skill> [json]");
      return { name: "run", skill: words[1] as string, params };
    case "status":
      return { name: "status", runId: words[1] };
    case "runs":
      if (words.length > 2) throw usage("/codemem runs [skill]");
      return { name: "runs", skill: words[1] };
    case "schedule": {
      if (words.length < 3 || words.length > 4) throw usage('/codemem schedule <skill> "<cron>" [tz] [json]');
      return { name: "schedule", skill: words[1] as string, cron: words[2] as string, tz: words[3], params };
    }
    case "unschedule":
      if (words.length !== 2) throw usage("/codemem unschedule <id>");
      return { name: "unschedule", id: words[1] as string };
    case "rollback": {
      const version = Number(words[2]);
      if (words.length !== 3 || !Number.isInteger(version) || version < 1)
        throw usage("/codemem rollback <skill> <version number>");
      return { name: "rollback", skill: words[1] as string, version };
    }
    case "diff": {
      const from = Number(words[2]);
      const to = Number(words[3]);
      if (words.length !== 4 || !Number.isInteger(from) || !Number.isInteger(to))
        throw usage("/codemem diff <skill> <from version> <to version>");
      return { name: "diff", skill: words[1] as string, from, to };
    }
    case "audit":
      if (words.length > 2) throw usage("/codemem audit [skill]");
      return { name: "audit", skill: words[1] };
    case "invite":
    case "handover":
      if (words.length !== 2) throw usage(`@codemem ${word} @person (in the session's thread)`);
      return { name: word, person: words[1] as string };
    case "show": {
      const part = Number(words[2] ?? 1);
      if (words.length < 2 || words.length > 3 || !Number.isInteger(part) || part < 1)
        throw usage("/codemem show <message> [part]");
      return { name: "show", id: words[1] as string, part };
    }
    default:
      throw userError("COMMAND_UNKNOWN", `unknown command "${word}". Try /codemem help.`);
  }
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw userError(
      "COMMAND_BAD_JSON",
      `the parameters are not JSON (${(error as Error).message}); write them like {"days": 7}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw userError("COMMAND_BAD_JSON", 'the parameters are a JSON object, like {"days": 7}');
  return value as Record<string, unknown>;
}

/** Splits on spaces, keeping "quoted words" (a cron expression) together; curly quotes count too. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const match of text.replace(/[“”]/g, '"').matchAll(/"([^"]*)"|(\S+)/g))
    tokens.push(match[1] ?? (match[2] as string));
  return tokens;
}
