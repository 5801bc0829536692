import type { GroupDirectory } from "../ui/adapter.ts";
import { code, rich, type Span, type UiBlock } from "../ui/message.ts";
import { parseUserKey, userKey, type User } from "../ui/user.ts";

/** Allowed, or refused with a line that says who can. */
export type Decision = { allowed: true } | { allowed: false; refusal: UiBlock };

const ALLOWED: Decision = { allowed: true };

/** Who made and approved a skill (platform-qualified keys, or "codemem" for shipped ones). */
export interface SkillOwners {
  name: string;
  author: string;
  approver: string;
}

export interface PolicyOptions {
  /**
   * Platform-qualified keys who may answer any session and change any skill: people (`slack:U123`,
   * `teams:<aadObjectId>`, `console:alice`) or groups a directory knows (`slack:S123`).
   */
  approvers: readonly string[];
  /** Group directories of the platforms served (Slack user groups). Default: none. */
  groups?: readonly GroupDirectory[] | undefined;
}

/**
 * Who may do what, in one place: the requester and the approvers answer a session's questions and
 * proposals; the skill's author, the approver of its latest version and the configured approvers
 * change its schedules and versions; anyone may run a skill and read status. Refusals say who can.
 */
export class Policy {
  private readonly approvers: readonly User[];
  private readonly keys: ReadonlySet<string>;
  private readonly groups: ReadonlyMap<string, GroupDirectory>;

  constructor(options: PolicyOptions) {
    this.keys = new Set(options.approvers);
    this.approvers = options.approvers.map(parseUserKey).filter((user): user is User => user !== undefined);
    this.groups = new Map((options.groups ?? []).map((directory) => [directory.platform, directory]));
  }

  /** An approver by name, or as a member of an approver group of their platform. */
  async isApprover(user: User): Promise<boolean> {
    if (this.keys.has(userKey(user))) return true;
    const directory = this.groups.get(user.platform);
    if (directory === undefined) return false;
    for (const approver of this.approvers) {
      if (approver.platform !== user.platform || !directory.isGroup(approver.id)) continue;
      if ((await directory.members(approver.id)).includes(user.id)) return true;
    }
    return false;
  }

  async mayAnswer(requester: User, user: User): Promise<Decision> {
    if (userKey(user) === userKey(requester) || (await this.isApprover(user))) return ALLOWED;
    return {
      allowed: false,
      refusal: rich("Only ", requester, ...this.approverSpans(" or an approver "), " can answer this."),
    };
  }

  /** `what`: the verb in the refusal ("schedule", "roll back", "unschedule"). */
  async mayChange(skill: SkillOwners, user: User, what: string): Promise<Decision> {
    const key = userKey(user);
    if (key === skill.author || key === skill.approver || (await this.isApprover(user))) return ALLOWED;
    if (this.keys.size === 0 && !parseUserKey(skill.author) && !parseUserKey(skill.approver)) {
      return {
        allowed: false,
        refusal: rich(
          `Only an approver can ${what} `,
          code(skill.name),
          " (it ships with codemem), and none is configured: set CODEMEM_APPROVERS, e.g. console:alice or slack:U0123ABCD.",
        ),
      };
    }
    const owners = [skill.author, skill.approver].filter(
      (owner, index, all) => parseUserKey(owner) && all.indexOf(owner) === index,
    );
    const people = owners.flatMap((owner, index) => [index > 0 ? " or " : "", parseUserKey(owner) as User]);
    const who = people.length > 0 ? ["its author ", ...people] : ["its author"];
    return {
      allowed: false,
      refusal: rich("Only ", ...who, ...this.approverSpans(" or an approver "), ` can ${what} `, code(skill.name), "."),
    };
  }

  private approverSpans(lead: string): (string | Span | User)[] {
    if (this.approvers.length === 0) return [];
    const named = this.approvers.map((user): Span | User =>
      this.groups.get(user.platform)?.isGroup(user.id) ? { group: user } : user,
    );
    return [lead, "(", ...named.flatMap((who, index) => (index === 0 ? [who] : [", ", who])), ")"];
  }
}
