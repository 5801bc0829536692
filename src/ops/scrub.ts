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
  private readonly redact: (text: string) => string;

  constructor(secrets: readonly string[] = []) {
    this.redact = redactValues(secrets);
  }

  text(value: string): string {
    let clean = this.redact(value);
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

/**
 * Replaces each of `values` with "[redacted]" wherever it appears: the configured secrets, in chat
 * messages (Scrubber) and log lines (createLogger). Longest first, so a secret containing another is
 * replaced whole; values under six characters are left alone (they would match ordinary words).
 */
export function redactValues(values: readonly string[]): (text: string) => string {
  const secrets = [...new Set(values.filter((value) => value.length >= 6))].sort((a, b) => b.length - a.length);
  return (text) => {
    let clean = text;
    for (const secret of secrets) if (clean.includes(secret)) clean = clean.replaceAll(secret, "[redacted]");
    return clean;
  };
}
