import type { ItemOutcome, RunSnapshot } from "../runtime/progress.ts";
import type { ScheduleInfo } from "../runtime/schedule-health.ts";
import { code, rich, type UiBlock, type UiMessage } from "../ui/message.ts";
import { parseUserKey, type User } from "../ui/user.ts";

/** A moment to the minute, as lists show it: `2026-12-07 16:20` (UTC). */
export function atMinute(at: number | string): string {
  return new Date(at).toISOString().slice(0, 16).replace("T", " ");
}

/** A run's counters as a bar. */
export function progressBlock(run: RunSnapshot): UiBlock {
  return {
    type: "progress",
    done: run.done,
    skipped: run.skipped,
    failed: run.failed,
    total: Math.max(run.total, 0),
    ratePerSecond: run.ratePerSecond,
    etaSeconds: run.etaSeconds,
  };
}

/** A run's live message: what runs, for whom, and the bar. */
export function progressMessage(run: RunSnapshot): UiMessage {
  const requester = parseUserKey(run.requester);
  const state = run.finishedAt === undefined ? "Running" : run.status === "completed" ? "Ran" : "Stopped";
  const head = rich(
    `${state} `,
    code(run.skill),
    ` v${run.version} (run `,
    code(run.runId),
    ")",
    ...(requester ? [" for ", requester] : []),
  );
  return { blocks: [head, progressBlock(run)] };
}

/**
 * A finished run for the thread: the outcome line, its items as a table (the first ones; the run keeps
 * 50, /codemem show has them when the platform cuts the table) and its last errors.
 */
export function summaryMessage(run: RunSnapshot, items: readonly ItemOutcome[] = []): UiMessage {
  const errors = run.lastErrors.slice(0, 3);
  const failed = items.some((item) => item.error !== undefined);
  const table: UiBlock[] =
    items.length === 0
      ? []
      : [
          {
            type: "table",
            columns: failed ? ["Item", "Outcome", "Error"] : ["Item", "Outcome"],
            rows: items.map((item) => (failed ? [item.key, item.outcome, item.error ?? ""] : [item.key, item.outcome])),
          },
        ];
  return {
    blocks: [
      { type: "text", text: summaryLine(run) },
      ...table,
      ...(errors.length > 0
        ? [{ type: "code" as const, language: "text", title: "Last errors", source: errors.join("\n") }]
        : []),
    ],
  };
}

/** The same as plain text, for the terminal. */
export function summaryText(run: RunSnapshot): string {
  const errors = run.lastErrors.length > 0 ? `\nLast errors:\n${run.lastErrors.slice(0, 3).join("\n")}` : "";
  return `${summaryLine(run)}${errors}`;
}

function summaryLine(run: RunSnapshot): string {
  const seconds = ((run.finishedAt ?? Date.now()) - run.startedAt) / 1000;
  const head =
    run.status === "stopped"
      ? `Run ${run.runId} of ${run.skill} v${run.version} stopped: ${run.error ?? "stopped"}.`
      : run.status === "failed"
        ? `Run ${run.runId} of ${run.skill} v${run.version} failed: ${run.error ?? "failed"}.`
        : `Run ${run.runId} of ${run.skill} v${run.version} finished in ${seconds.toFixed(1)} s.`;
  const counts = `${run.done} done, ${run.skipped} skipped, ${run.failed} failed of ${Math.max(run.total, 0)}.`;
  return `${head} ${counts}`;
}

/** Under a paused schedule: resume it (owners, approvers), see why it paused. */
export function pausedButtons(id: string): UiBlock {
  return {
    type: "actions",
    buttons: [
      { label: "Resume", value: { command: "resume", target: id }, style: "primary" },
      { label: "Show the last error", value: { command: "last-error", target: id } },
    ],
  };
}

/** A schedule paused itself: said in its thread to its owners, with Resume and Show the last error. */
export function pausedMessage(schedule: ScheduleInfo, owners: readonly User[]): UiMessage {
  const version = schedule.version === undefined ? "latest" : `v${schedule.version}`;
  const people = owners.flatMap((owner, index) => (index === 0 ? [owner] : [", ", owner]));
  return {
    blocks: [
      rich(
        "Paused schedule ",
        code(schedule.id),
        ` (${schedule.skill} ${version} "${schedule.cron}" ${schedule.tz}): ${schedule.paused?.reason ?? "it failed"}.`,
        ...(people.length > 0 ? [" ", ...people, ": it runs again once one of you resumes it."] : []),
      ),
      pausedButtons(schedule.id),
    ],
  };
}
