import type { SessionPeople } from "../agent/deps.ts";
import type { GroupDirectory } from "../ui/adapter.ts";
import { code, rich, type Span, type UiBlock } from "../ui/message.ts";
import { parseUserKey, userKey, type User } from "../ui/user.ts";

/** Allowed, or refused with a line that says who can. */
export type Decision = { allowed: true } | { allowed: false; refusal: UiBlock };

const ALLOWED: Decision = { allowed: true };

/** A skill and the people who own it: user keys of everyone who authored or approved a version. */
export interface SkillOwners {
  name: string;
  /** Empty for shipped skills and for a schedule whose skill is gone. */
  owners: readonly string[];
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
 * Who may do what, in one place: a session's requester, their guests and the approvers steer it and
 * answer its questions and proposals; a skill's owners (everyone who authored or approved one of its
 * versions) and the configured approvers change its versions and schedules, whoever made the latest;
 * anyone may run a skill. Refusals say who can.
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

  /** The approvers configured by name (groups left out): the people a platform may show live buttons to. */
  get namedApprovers(): readonly User[] {
    return this.approvers.filter((user) => !this.groups.get(user.platform)?.isGroup(user.id));
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

  /** One of the session's people or an approver: their words and clicks reach the session. */
  async inSession(people: SessionPeople, user: User): Promise<boolean> {
    const key = userKey(user);
    if (key === userKey(people.requester) || (people.guests ?? []).some((guest) => userKey(guest) === key)) return true;
    return this.isApprover(user);
  }

  async mayAnswer(people: SessionPeople, user: User): Promise<Decision> {
    if (await this.inSession(people, user)) return ALLOWED;
    return {
      allowed: false,
      refusal: rich("Only ", people.requester, ...this.approverSpans(" or an approver "), " can answer this."),
    };
  }

  /** Someone else's words in a session's thread: a notice for them alone, and nothing reaches the model. */
  async mayTalk(people: SessionPeople, user: User): Promise<Decision> {
    if (await this.inSession(people, user)) return ALLOWED;
    return {
      allowed: false,
      refusal: rich(
        "This is ",
        people.requester,
        "'s session, so I did not read that. Mention me in a new thread to start your own, or ask ",
        people.requester,
        " to invite you.",
      ),
    };
  }

  /** An owner of the skill or an approver. */
  async isOwner(skill: SkillOwners, user: User): Promise<boolean> {
    return skill.owners.includes(userKey(user)) || this.isApprover(user);
  }

  /**
   * May this person's proposal become the skill's next version? Its owners and the approvers; a skill
   * nobody owns yet (a shipped one) also by anyone when no approver is configured, who then owns it.
   */
  async mayVersion(skill: SkillOwners, user: User): Promise<boolean> {
    if (skill.owners.length === 0 && this.keys.size === 0) return true;
    return this.isOwner(skill, user);
  }

  /** `what`: the verb in the refusal ("schedule", "roll back", "unschedule"). */
  async mayChange(skill: SkillOwners, user: User, what: string): Promise<Decision> {
    if (await this.isOwner(skill, user)) return ALLOWED;
    const owners = skill.owners
      .filter((owner) => !this.keys.has(owner))
      .map(parseUserKey)
      .filter((owner): owner is User => owner !== undefined);
    if (this.keys.size === 0 && owners.length === 0) {
      return {
        allowed: false,
        refusal: rich(
          `Only an approver can ${what} `,
          code(skill.name),
          " (it ships with codemem, or it is gone), and none is configured: set CODEMEM_APPROVERS, e.g. console:alice or slack:U0123ABCD.",
        ),
      };
    }
    const people = owners.flatMap((owner, index) => [
      index === 0 ? "" : index === owners.length - 1 ? " or " : ", ",
      owner,
    ]);
    const who = owners.length === 1 ? ["its owner ", ...people] : owners.length > 1 ? ["its owners ", ...people] : [];
    const approvers = this.approverSpans(who.length > 0 ? " or an approver " : "an approver ");
    return {
      allowed: false,
      refusal: rich("Only ", ...who, ...approvers, ` can ${what} `, code(skill.name), "."),
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
