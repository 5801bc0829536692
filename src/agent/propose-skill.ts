import { randomUUID } from "node:crypto";
import { type Button, code, rich, type UiBlock, type UiMessage } from "../ui/message.ts";
import { parseUserKey, type User } from "../ui/user.ts";
import { claimName } from "./approval.ts";
import { defineMetaTool } from "./meta-tool.ts";
import { META_TOOL_NAMES } from "./meta-tool-names.ts";
import { checkProposal, dryRunPreview, proposeSkillArgs } from "./proposal.ts";

/**
 * propose_skill: the guard rails and the dry run (src/agent/proposal.ts), then the card with Approve and
 * Reject; the session waits for a click. Approve asks "are you sure?" when the skill writes.
 */
export const PROPOSE_SKILL = defineMetaTool({
  name: META_TOOL_NAMES.proposeSkill,
  description:
    "Propose the skill for approval: a module exporting run (and optionally items), its params JSON Schema, sample params for a dry run.",
  schema: proposeSkillArgs,
  status: "is trying the skill on a sample…",
  run: async (args, { deps, session, voice }) => {
    const { proposal, dryRun } = await checkProposal(deps, session, args);
    // A name that belongs to others: the card says what each Approve does (src/agent/approval.ts).
    const name = await claimName({ deps, session, voice }, proposal.name);
    const id = randomUUID();
    const button = (label: string, choice: string, style: Button["style"]): Button => ({
      label,
      value: { sessionId: session.id, pendingId: id, choice },
      style,
    });
    const writes = proposal.tools.filter((tool) => tool.access !== "read-only").map((tool) => tool.id);
    const approve = button("Approve", "approve", "primary");
    if (writes.length > 0) {
      approve.confirm = `Approving saves ${proposal.name} and runs it now with ${JSON.stringify(proposal.sampleParams)}; it writes with ${writes.join(", ")}.`;
    }
    const preview = dryRunPreview(dryRun);
    const block: UiBlock = {
      type: "proposal",
      name: proposal.name,
      description: proposal.description,
      params: proposal.params,
      sampleParams: proposal.sampleParams,
      code: proposal.code,
      preview,
      tools: proposal.tools.map((tool) => ({ id: tool.id, access: tool.access })),
      buttons: [approve, button("Reject", "reject", "danger")],
    };
    const message: UiMessage = {
      blocks: name === proposal.name ? [block] : [await othersNote(proposal.name, name, deps), block],
    };
    const messageRef = await voice.post(message);
    return {
      suspend: {
        id,
        kind: "proposal",
        choices: ["approve", "reject"],
        messageRef,
        message: voice.label(message),
        proposal,
        preview,
      },
    };
  },
});

/** The card's note when the name belongs to others: what their Approve does, and what anyone else's does. */
async function othersNote(
  asked: string,
  free: string,
  deps: {
    skills: { owners(name: string): Promise<string[]>; latest(name: string): Promise<{ version: number } | undefined> };
  },
): Promise<UiBlock> {
  const owners = (await deps.skills.owners(asked)).map(parseUserKey).filter((u): u is User => u !== undefined);
  const who = owners.length === 0 ? ["the approvers"] : owners.flatMap((owner, i) => [i === 0 ? "" : ", ", owner]);
  const next = ((await deps.skills.latest(asked))?.version ?? 0) + 1;
  return rich(
    code(asked),
    " belongs to ",
    ...who,
    `: approved by ${owners.length === 0 ? "one of them" : "them or an approver"}, this becomes its v${next}; approved by anyone else, it is saved as `,
    code(free),
    ", leaving theirs, its schedules and its memory as they are.",
  );
}
