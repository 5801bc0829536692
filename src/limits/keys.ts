/**
 * The quotas' Redis keys, under the app's prefix: one hash per quota and person (or for the whole
 * install), gone once it would be full again.
 */
export class QuotaKeys {
  constructor(readonly prefix: string) {}

  /** One quota of one person (`who` is a user key) or of everyone (`who` is "*"). */
  quota(limit: string, who: string): string {
    return `${this.prefix}:quota:${limit}:${who}`;
  }
  /** The runs of a skill going now (a sorted set of run ids by start time). */
  activeRuns(skill: string): string {
    return `${this.prefix}:quota:active:${skill}`;
  }
}
