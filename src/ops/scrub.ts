import type { UiMessage } from "../ui/message.ts";

/** What a credential looks like even when codemem was not given it (a server's stderr, a tool's error). */
const CREDENTIALS: readonly [RegExp, string][] = [
  // Slack bot, user, app and refresh tokens.
  [/\bxox[abeoprs]-[A-Za-z0-9-]{8,}/g, "[redacted]"],
  [/\bxapp-[A-Za-z0-9-]{8,}/g, "[redacted]"],
  // OpenAI-style API keys.
  [/\bsk-[A-Za-z0-9_-]{16,}/g, "[redacted]"],
  // Authorization headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{12,}/g, "$1 [redacted]"],
  // A password in a URL (redis://:pw@host, https://user:pw@host).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:)[^\s@/]+@/gi, "$1[redacted]@"],
];

/**
 * Takes secrets out of everything codemem posts: the configured ones (tokens, passwords, the Redis
 * password) wherever they appear, and anything shaped like a credential (an MCP server's stderr or a
 * tool's error may carry one the config never saw). Chat messages are kept for good by the platforms,
 * so this runs on every post and update, in the outbox.
 */
export class Scrubber {
  private readonly secrets: readonly string[];

  constructor(secrets: readonly string[] = []) {
    // Longest first, so a secret containing another is replaced whole; short values would match words.
    this.secrets = [...new Set(secrets.filter((secret) => secret.length >= 6))].sort((a, b) => b.length - a.length);
  }

  text(value: string): string {
    let clean = value;
    for (const secret of this.secrets) if (clean.includes(secret)) clean = clean.replaceAll(secret, "[redacted]");
    for (const [pattern, replacement] of CREDENTIALS) clean = clean.replace(pattern, replacement);
    return clean;
  }

  /** Every string of a message (texts, code, samples, field values, button labels) scrubbed. */
  message(message: UiMessage): UiMessage {
    return this.deep(message) as UiMessage;
  }

  private deep(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.deep(item));
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.deep(item)]));
    return value;
  }
}
