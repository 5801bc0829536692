import type { ItemOutcome, RunSnapshot } from "../runtime/progress.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import type { RunEndings } from "./run-endings.ts";
import { RUN_STATUS_TOOL } from "./tools.ts";

/** A run's outcome as a tool call returns it (RUN_OUTCOME_SCHEMA). */
export interface RunOutcome {
  runId: string;
  skill: string;
  version: number;
  status: RunSnapshot["status"];
  finished: boolean;
  total: number;
  done: number;
  skipped: number;
  failed: number;
  durationMs: number;
  error?: string | undefined;
  failures?: string[] | undefined;
  items?: ItemOutcome[] | undefined;
  [key: string]: unknown;
}

export interface WaitOptions {
  /** Called when the counters moved: items finished so far, and the total once listed. */
  onProgress?: ((finished: number, total: number | undefined) => Promise<void>) | undefined;
  /** The caller went away: stop waiting (the run goes on). */
  signal?: AbortSignal | undefined;
  /** Return the run as it stands after this long. */
  waitMs: number;
  /** Wakes the wait when the run ends (else it learns at its next read). */
  endings?: RunEndings | undefined;
  /** How often the run's counters are read: 100 ms while progress is reported, else 500 ms. */
  pollMs?: number | undefined;
}

/** Waits for a run to end (or the wait to pass), reporting progress as its items finish. */
export async function waitForRun(runtime: SkillRuntime, runId: string, options: WaitOptions): Promise<RunOutcome> {
  const start = Date.now();
  let reported = -1;
  for (;;) {
    const run = await runtime.status(runId);
    if (run === undefined) throw new Error(`run ${runId} is not kept`);
    const finished = run.done + run.skipped + run.failed;
    if (finished !== reported && options.onProgress !== undefined) {
      reported = finished;
      await options.onProgress(finished, run.total < 0 ? undefined : run.total).catch(() => {});
    }
    const waited = Date.now() - start;
    if (run.finishedAt !== undefined || waited >= options.waitMs || options.signal?.aborted)
      return outcomeOf(run, await runtime.progress.outcomes(runId));
    const poll = Math.min(options.pollMs ?? (options.onProgress === undefined ? 500 : 100), options.waitMs - waited);
    if (options.endings === undefined) await new Promise((resolve) => setTimeout(resolve, poll));
    else await options.endings.wait(runId, poll);
  }
}

export function outcomeOf(run: RunSnapshot, items: ItemOutcome[]): RunOutcome {
  return {
    runId: run.runId,
    skill: run.skill,
    version: run.version,
    status: run.status,
    finished: run.finishedAt !== undefined,
    total: run.total,
    done: run.done,
    skipped: run.skipped,
    failed: run.failed,
    durationMs: Math.max(0, (run.finishedAt ?? Date.now()) - run.startedAt),
    ...(run.error === undefined ? {} : { error: run.error }),
    failures: run.lastErrors,
    items,
  };
}

/** The outcome as plain text, for clients that show `content` only. */
export function outcomeText(outcome: RunOutcome): string {
  const head = outcome.finished
    ? `Run ${outcome.runId} of ${outcome.skill} v${outcome.version} ${outcome.status} in ${(outcome.durationMs / 1000).toFixed(1)} s`
    : `Run ${outcome.runId} of ${outcome.skill} v${outcome.version} is still ${outcome.status} after ${(outcome.durationMs / 1000).toFixed(1)} s; call ${RUN_STATUS_TOOL} with its id for the rest`;
  const total = outcome.total < 0 ? "?" : String(outcome.total);
  const lines = [`${head}: done ${outcome.done}, skipped ${outcome.skipped}, failed ${outcome.failed} of ${total}.`];
  if (outcome.error !== undefined) lines.push(`Error: ${outcome.error}`);
  for (const failure of outcome.failures ?? []) lines.push(`failed: ${failure}`);
  const items = outcome.items ?? [];
  if (items.length > 0) {
    lines.push(`First ${items.length} items:`);
    for (const item of items.slice(0, 20)) lines.push(`  ${item.outcome} ${item.key}`);
    if (items.length > 20) lines.push(`  … and ${items.length - 20} more in structuredContent.items`);
  }
  return lines.join("\n");
}
