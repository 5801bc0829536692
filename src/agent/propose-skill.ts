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
    const checked = await checkProposal(deps, session, args);
    const { dryRun } = checked;
    // A name that belongs to others is not theirs to version: the proposal gets a free name of its own.
    const name = await claimName({ deps, session, voice }, checked.proposal.name);
    const proposal = { ...checked.proposal, name };
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
      blocks: name === args.name ? [block] : [await renamedNote(args.name, name, deps), block],
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

async function renamedNote(
  asked: string,
  name: string,
  deps: { skills: { owners(name: string): Promise<string[]> } },
): Promise<UiBlock> {
  const owners = (await deps.skills.owners(asked)).map(parseUserKey).filter((u): u is User => u !== undefined);
  const who = owners.length === 0 ? ["its owners"] : owners.flatMap((owner, i) => [i === 0 ? "" : ", ", owner]);
  return rich(
    "A skill named ",
    code(asked),
    " belongs to ",
    ...who,
    ", so this is proposed as ",
    code(name),
    ": approving it leaves theirs, its schedules and its memory as they are.",
  );
}
