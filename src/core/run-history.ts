import type { RunSnapshot } from "../runtime/progress.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import type { SkillStore } from "../skills/store.ts";
import { code, rich, type Span, type UiBlock } from "../ui/message.ts";
import { parseUserKey, type User, userKey } from "../ui/user.ts";
import type { Policy } from "./policy.ts";
import { atMinute } from "./run-messages.ts";

/** Runs read to find a skill's latest ones: its runs among the install's latest this many. */
const SCAN = 500;

/**
 * Who ran what, when, with which version and values, and how it went: `/codemem runs`, Slack's Home
 * tab and the console show it. Values and "Run again with these values" are for the run's requester,
 * the skill's owners and the approvers; anyone else sees what ran and how far it got.
 */
export class RunHistory {
  constructor(
    private readonly runtime: SkillRuntime,
    private readonly skills: SkillStore,
    private readonly policy: Policy,
  ) {}

  /** The latest `count` runs, of one skill when `skill` is given. */
  async runs(skill: string | undefined, count: number): Promise<RunSnapshot[]> {
    const found: RunSnapshot[] = [];
    for (let offset = 0; offset < SCAN && found.length < count; offset += 50) {
      const ids = await this.runtime.progress.recent(50, offset);
      for (const id of ids) {
        const run = await this.runtime.status(id);
        if (run !== undefined && (skill === undefined || run.skill === skill)) found.push(run);
        if (found.length === count) break;
      }
      if (ids.length < 50) break;
    }
    return found;
  }

  /** The latest runs as the viewer may see them, a line each (and its button when theirs to press). */
  async blocks(viewer: User, skill: string | undefined, count = 10): Promise<UiBlock[]> {
    const blocks: UiBlock[] = [];
    for (const run of await this.runs(skill, count)) {
      const insider = await this.insider(run, viewer);
      blocks.push(runLine(run, insider));
      if (insider)
        blocks.push({
          type: "actions",
          buttons: [{ label: "Run again with these values", value: { command: "rerun", target: run.runId } }],
        });
    }
    return blocks;
  }

  /**
   * The run's requester, the skill's owners and the approvers: they see its values and errors
   * (/codemem status, the history) and may start it again with them.
   */
  async insider(run: RunSnapshot, viewer: User): Promise<boolean> {
    if (run.requester === userKey(viewer)) return true;
    return this.policy.isOwner({ name: run.skill, owners: await this.skills.owners(run.skill) }, viewer);
  }
}

/** One run: id, skill and version, who, when, how long, the counts, and (for insiders) the values. */
export function runLine(run: RunSnapshot, withValues: boolean): UiBlock {
  const who = parseUserKey(run.requester);
  const by: (string | Span | User)[] = run.schedule
    ? [" by schedule ", code(run.schedule)]
    : who === undefined
      ? [` by ${run.requester || "?"}`]
      : [" by ", who];
  const started = atMinute(run.startedAt);
  const seconds = Math.round(((run.finishedAt ?? Date.now()) - run.startedAt) / 100) / 10;
  const took = run.finishedAt === undefined ? `running for ${seconds} s` : `${run.status} in ${seconds} s`;
  const total = run.total < 0 ? "?" : String(run.total);
  const counts = `done ${run.done}, skipped ${run.skipped}, failed ${run.failed} of ${total}`;
  return rich(
    code(run.runId),
    ` ${run.skill} v${run.version}`,
    ...by,
    `, ${started} UTC, ${took}: ${counts}`,
    ...(withValues ? [" · values ", code(JSON.stringify(run.params))] : []),
  );
}
