import { randomUUID } from "node:crypto";
import { asCodedError } from "../errors.ts";
import { lineDiff } from "../skills/diff.ts";
import { type Button, code, rich, type UiMessage } from "../ui/message.ts";
import { threadKey } from "../ui/surface.ts";
import { displayName, type User, userKey } from "../ui/user.ts";
import type { TurnContext } from "./meta-tool.ts";
import type { PendingInput } from "./session.ts";

type Pending<K extends PendingInput["kind"]> = Extract<PendingInput, { kind: K }>;

/** Cadences offered after Approve (UTC); "custom" explains the command, "none" declines. */
export const SCHEDULE_CHOICES: readonly { label: string; cron: string }[] = [
  { label: "Weekdays 08:00 UTC", cron: "0 8 * * 1-5" },
  { label: "Daily 08:00 UTC", cron: "0 8 * * *" },
  { label: "Hourly", cron: "0 * * * *" },
];

/**
 * Approve: saves the proposal as the skill's next version, runs it with the dry run's values in this
 * thread, then offers a schedule (a question that does not hold the thread).
 */
export async function approve(turn: TurnContext, pending: Pending<"proposal">, user: User): Promise<void> {
  const { deps, session, voice } = turn;
  const { sampleParams, ...definition } = pending.proposal;
  const record = await deps.skills.save({ ...definition, author: userKey(session.requester), approver: userKey(user) });
  await deps.audit?.append({
    action: "approve",
    who: userKey(user),
    skill: record.name,
    version: record.version,
    thread: threadKey(session.thread),
  });
  await voice.markAnswered(pending, { label: "Approved", by: user });
  session.messages.push({
    role: "tool",
    tool_call_id: pending.toolCallId,
    content: `Approved by ${displayName(user)}; saved as ${record.name} v${record.version}.`,
  });
  session.pending = undefined;
  session.status = "done";
  session.approvedSkill = record.name;
  const reads = record.tools.filter((tool) => tool.access === "read-only").map((tool) => tool.id);
  const writes = record.tools.filter((tool) => tool.access !== "read-only").map((tool) => tool.id);
  await voice.post({
    blocks: [
      rich("Saved skill ", code(record.name), ` v${record.version}, approved by `, user, "."),
      {
        type: "fields",
        fields: [
          { label: "Reads with", value: reads.join(", ") || "nothing" },
          ...(writes.length > 0 ? [{ label: "Writes with", value: writes.join(", ") }] : []),
          { label: "Dedup memory", value: record.memory ? "yes: re-runs skip items already done" : "no" },
        ],
      },
    ],
  });
  const previous = record.version > 1 ? await deps.skills.version(record.name, record.version - 1) : undefined;
  if (previous !== undefined) {
    await voice.post({
      blocks: [
        {
          type: "code",
          language: "diff",
          title: `What changed since v${previous.version}`,
          source: lineDiff(previous.code, record.code),
          collapsed: true,
        },
      ],
    });
  }
  if (deps.launcher === undefined) return;
  try {
    await deps.launcher.run({
      skill: record.name,
      version: record.version,
      params: sampleParams,
      requester: userKey(session.requester),
      thread: session.thread,
    });
  } catch (error) {
    const coded = asCodedError(error);
    await voice.say(`The skill is saved, but its first run did not start (${coded.code}: ${coded.message}).`);
    return;
  }
  await offerSchedule(turn, pending.toolCallId, record.name, sampleParams);
}

/** Reject: the card says so, and the requester's next message in the thread is the reason. */
export async function reject(turn: TurnContext, pending: Pending<"proposal">, user: User): Promise<void> {
  const { deps, session, voice } = turn;
  await voice.markAnswered(pending, { label: "Rejected", by: user });
  await deps.audit?.append({
    action: "reject",
    who: userKey(user),
    skill: pending.proposal.name,
    thread: threadKey(session.thread),
  });
  session.pending = { id: randomUUID(), kind: "reject_reason", toolCallId: pending.toolCallId, choices: [] };
  await voice.say("What should change? Reply in this thread and I'll revise the skill.");
}

async function offerSchedule(
  turn: TurnContext,
  toolCallId: string,
  skill: string,
  params: Record<string, unknown>,
): Promise<void> {
  const { session, voice } = turn;
  const id = randomUUID();
  const buttons: Button[] = [
    ...SCHEDULE_CHOICES.map((choice, index) => ({
      label: choice.label,
      value: { sessionId: session.id, pendingId: id, choice: choice.cron },
      style: index === 0 ? ("primary" as const) : undefined,
    })),
    { label: "Custom…", value: { sessionId: session.id, pendingId: id, choice: "custom" } },
    { label: "No schedule", value: { sessionId: session.id, pendingId: id, choice: "none" } },
  ];
  const message: UiMessage = {
    blocks: [{ type: "question", prompt: `Run ${skill} on a schedule too, with the same values?`, buttons }],
  };
  const messageRef = await voice.post(message);
  session.pending = {
    id,
    kind: "schedule",
    toolCallId,
    choices: buttons.map((button) => button.value.choice),
    messageRef,
    message: voice.label(message),
    schedule: { skill, params },
  };
}

/** A click on the schedule offer: a cadence is scheduled, "custom" explains the command, "none" declines. */
export async function answerSchedule(
  turn: TurnContext,
  pending: Pending<"schedule">,
  choice: string,
  user: User,
): Promise<void> {
  const { deps, session, voice } = turn;
  const target = pending.schedule;
  if (deps.launcher === undefined) return;
  const label = SCHEDULE_CHOICES.find((option) => option.cron === choice)?.label;
  session.pending = undefined;
  if (choice === "none") {
    await voice.markAnswered(pending, { label: "No schedule", by: user });
    return;
  }
  if (label === undefined) {
    await voice.markAnswered(pending, { label: "Custom schedule", by: user });
    await voice.post(
      {
        blocks: [
          rich(
            "Type ",
            code(`/codemem schedule ${target.skill} "<cron>" [time zone] ${JSON.stringify(target.params)}`),
            ', e.g. "30 6 * * 1" Europe/Paris for Mondays at 6:30.',
          ),
        ],
      },
      user,
    );
    return;
  }
  try {
    const made = await deps.launcher.schedule({
      skill: target.skill,
      cron: choice,
      tz: "UTC",
      params: target.params,
      requester: userKey(user),
      thread: session.thread,
    });
    await voice.markAnswered(pending, { label: `Scheduled: ${label}`, by: user });
    await voice.post({
      blocks: [
        rich(
          `Scheduled ${target.skill} ${label.toLowerCase()} as `,
          code(made.id),
          `; next run ${made.next ?? "?"}. `,
          code(`/codemem unschedule ${made.id}`),
          " removes it.",
        ),
      ],
    });
  } catch (error) {
    const coded = asCodedError(error);
    session.pending = pending;
    await voice.notice(user, `That schedule was not made (${coded.code}: ${coded.message}).`);
  }
}
