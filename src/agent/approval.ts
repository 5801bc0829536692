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
  const { sampleParams, ...proposed } = pending.proposal;
  // The name was claimed when the card was made; someone else may have taken it since.
  const name = await claimName(turn, proposed.name, user);
  const definition = { ...proposed, name };
  const record = await deps.skills.save({ ...definition, author: userKey(session.requester), approver: userKey(user) });
  if (name !== proposed.name) {
    await deps.audit?.append({
      action: "renamed",
      who: userKey(user),
      skill: name,
      thread: threadKey(session.thread),
      detail: `proposed as ${proposed.name}, which belongs to others`,
    });
  }
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
      name === proposed.name
        ? rich("Saved skill ", code(record.name), ` v${record.version}, approved by `, user, ".")
        : rich(
            "Saved skill ",
            code(record.name),
            ` v${record.version}, approved by `,
            user,
            " (",
            code(proposed.name),
            " belongs to others and is unchanged).",
          ),
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
  const elsewhere = await deps.launcher.schedulesOnOtherVersions(record.name, record.version);
  await offerSchedule(
    turn,
    pending.toolCallId,
    { skill: record.name, version: record.version, params: sampleParams },
    elsewhere,
  );
}

/**
 * The name a proposal is saved under: its own when free or when the requester or the approving person
 * may version the skill of that name (src/core/policy.ts), else the first free `name-N`. A member's
 * proposal never becomes a new version of someone else's skill (their schedules and memory go with it).
 */
export async function claimName(turn: TurnContext, name: string, approver?: User): Promise<string> {
  const { deps, session } = turn;
  if ((await deps.skills.latest(name)) === undefined) return name;
  const skill = { name, owners: await deps.skills.owners(name) };
  if (await deps.policy.mayVersion(skill, session.requester)) return name;
  if (approver !== undefined && (await deps.policy.mayVersion(skill, approver))) return name;
  return deps.skills.freeName(name);
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
  schedule: { skill: string; version: number; params: Record<string, unknown> },
  elsewhere: number,
): Promise<void> {
  const { session, voice } = turn;
  const id = randomUUID();
  const value = (choice: string) => ({ sessionId: session.id, pendingId: id, choice });
  const buttons: Button[] = [
    // Nothing moves silently: schedules of older versions move only when an owner says so.
    ...(elsewhere > 0
      ? [
          {
            label: `Move ${plural(elsewhere, "schedule")} to v${schedule.version}`,
            value: value(MOVE),
            style: "primary" as const,
          },
        ]
      : []),
    ...SCHEDULE_CHOICES.map((choice, index) => ({
      label: choice.label,
      value: value(choice.cron),
      style: index === 0 && elsewhere === 0 ? ("primary" as const) : undefined,
    })),
    { label: "Custom…", value: value("custom") },
    { label: "No schedule", value: value("none") },
  ];
  const prompt =
    elsewhere > 0
      ? `${plural(elsewhere, "schedule")} of ${schedule.skill} still run${elsewhere === 1 ? "s" : ""} an earlier version. Move ${elsewhere === 1 ? "it" : "them"} to v${schedule.version}, or add a schedule with the same values?`
      : `Run ${schedule.skill} on a schedule too, with the same values?`;
  const message: UiMessage = { blocks: [{ type: "question", prompt, buttons }] };
  const messageRef = await voice.post(message);
  session.pending = {
    id,
    kind: "schedule",
    toolCallId,
    choices: buttons.map((button) => button.value.choice),
    messageRef,
    message: voice.label(message),
    schedule,
  };
}

const MOVE = "move";

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`;

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
  if (choice === MOVE && target.version !== undefined) {
    if (!(await deps.policy.isOwner({ name: target.skill, owners: await deps.skills.owners(target.skill) }, user))) {
      session.pending = pending;
      await voice.notice(user, `Only an owner of ${target.skill} or an approver can move its schedules.`);
      return;
    }
    const moved = await deps.launcher.moveSchedules(target.skill, target.version, userKey(user));
    await voice.markAnswered(pending, { label: `Moved ${plural(moved, "schedule")} to v${target.version}`, by: user });
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
      version: target.version,
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
