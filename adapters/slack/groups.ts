import { silentLogger, type Logger } from "../../src/ops/logger.ts";
import type { WebClient } from "@slack/web-api";
import type { GroupDirectory } from "../../src/ui/adapter.ts";
import { SLACK_PLATFORM } from "./platform.ts";

/** How long a user group's members are trusted before asking Slack again. */
const TTL_MS = 5 * 60_000;

/**
 * Slack user groups (`slack:S0123ABCD` in CODEMEM_APPROVERS) through usergroups.users.list, cached
 * for five minutes. A failed look-up counts as "no members": a role is never granted by an error.
 */
export class SlackUserGroups implements GroupDirectory {
  readonly platform = SLACK_PLATFORM;
  private readonly cache = new Map<string, { members: readonly string[]; at: number }>();

  constructor(
    private readonly client: Pick<WebClient, "usergroups">,
    private readonly log: Logger = silentLogger,
  ) {}

  isGroup(id: string): boolean {
    return id.startsWith("S");
  }

  async members(id: string): Promise<readonly string[]> {
    const cached = this.cache.get(id);
    if (cached !== undefined && Date.now() - cached.at < TTL_MS) return cached.members;
    try {
      const result = await this.client.usergroups.users.list({ usergroup: id });
      const members = result.users ?? [];
      this.cache.set(id, { members, at: Date.now() });
      return members;
    } catch (error) {
      this.log.warn(
        { platform: SLACK_PLATFORM, group: id, err: (error as Error).message },
        "members of a user group unknown; it grants nothing for now",
      );
      return [];
    }
  }
}
