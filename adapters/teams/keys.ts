import { TEAMS_PLATFORM } from "./platform.ts";

/** The Teams adapter's Redis keys, under the app's prefix. Kept: proactive messages need them later. */
export class TeamsKeys {
  private readonly base: string;

  constructor(prefix: string) {
    this.base = `${prefix}:${TEAMS_PLATFORM}`;
  }

  /** Conversation references by conversation id (a hash of JSON). */
  references(): string {
    return `${this.base}:refs`;
  }
  /** How to reach a person in a chat of their own, by AAD object id (a hash of JSON). */
  users(): string {
    return `${this.base}:refs:users`;
  }
  /** Each conversation by when the bot last heard from it (a sorted set): the retention reads it. */
  seen(): string {
    return `${this.base}:refs:seen`;
  }
  /** AAD object ids by Teams id (29:…), for mentions of people in commands (a hash). */
  aadIds(): string {
    return `${this.base}:refs:aad`;
  }
}
