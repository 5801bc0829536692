import type { RunProgress, RunSnapshot, RunStatus } from "./progress.ts";

/** How long a process trusts the run status it read (see status). */
const STATUS_TTL_MS = 250;

/** Runs a process remembers; the oldest are forgotten first. */
const RUNS_KEPT = 256;

/** What items need of their run and never changes. */
export type RunInfo = Pick<RunSnapshot, "skill" | "version" | "params">;

/**
 * What item workers read of their run, kept in this process so an item saves a round trip or two: the
 * run's fixed part (read once) and its status (re-read at most every STATUS_TTL_MS).
 */
export class RunCache {
  private readonly infos = new Map<string, RunInfo>();
  private readonly statuses = new Map<string, { status: RunStatus; at: number }>();

  constructor(private readonly progress: RunProgress) {}

  /**
   * The run's status: a run stopped elsewhere stops here at most STATUS_TTL_MS later (this process
   * sees its own stops at once, through `stopped`).
   */
  async status(runId: string): Promise<RunStatus | undefined> {
    const known = this.statuses.get(runId);
    if (known !== undefined && Date.now() - known.at < STATUS_TTL_MS) return known.status;
    const status = await this.progress.status(runId);
    if (status !== undefined) this.remember(this.statuses, runId, { status, at: Date.now() });
    return status;
  }

  /** This process ended the run: its items see it at once. */
  stopped(runId: string, status: RunStatus): void {
    this.remember(this.statuses, runId, { status, at: Date.now() });
  }

  /** The run's fixed part, read once per process per run. */
  async info(runId: string): Promise<RunInfo | undefined> {
    const known = this.infos.get(runId);
    if (known !== undefined) return known;
    const run = await this.progress.snapshot(runId);
    if (run === undefined) return undefined;
    const info = { skill: run.skill, version: run.version, params: run.params };
    this.remember(this.infos, runId, info);
    return info;
  }

  /** The fixed part when this process has read it already (for logs and metrics). */
  knownInfo(runId: string): RunInfo | undefined {
    return this.infos.get(runId);
  }

  private remember<T>(map: Map<string, T>, runId: string, value: T): void {
    if (!map.has(runId) && map.size >= RUNS_KEPT) map.delete(map.keys().next().value as string);
    map.set(runId, value);
  }
}
