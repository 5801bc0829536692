import { code, rich, type UiBlock } from "../ui/message.ts";
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
  /** Platform-qualified keys (`slack:U123`) who may answer any session and change any skill. */
  approvers: readonly string[];
}

/**
 * Who may do what, in one place: the requester and the approvers answer a session's questions and
 * proposals; the skill's author, the approver of its latest version and the configured approvers
 * change its schedules and versions; anyone may run a skill and read status.
 */
export class Policy {
  private readonly approvers: ReadonlySet<string>;

  constructor(options: PolicyOptions) {
    this.approvers = new Set(options.approvers);
  }

  isApprover(user: User): boolean {
    return this.approvers.has(userKey(user));
  }

  mayAnswer(requester: User, user: User): Decision {
    if (userKey(user) === userKey(requester) || this.isApprover(user)) return ALLOWED;
    return {
      allowed: false,
      refusal: rich("Only ", requester, ...this.approverSpans(" or an approver "), " can answer this."),
    };
  }

  /** `what`: the verb in the refusal ("schedule", "roll back", "unschedule"). */
  mayChange(skill: SkillOwners, user: User, what: string): Decision {
    const key = userKey(user);
    if (key === skill.author || key === skill.approver || this.approvers.has(key)) return ALLOWED;
    if (this.approvers.size === 0 && !parseUserKey(skill.author) && !parseUserKey(skill.approver)) {
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

  private approverSpans(lead: string): (string | User)[] {
    const users = [...this.approvers].map(parseUserKey).filter((user): user is User => user !== undefined);
    if (users.length === 0) return [];
    return [lead, "(", ...users.flatMap((user, index) => (index === 0 ? [user] : [", ", user])), ")"];
  }
}
