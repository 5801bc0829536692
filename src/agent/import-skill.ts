import { randomUUID } from "node:crypto";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { asCodedError } from "../errors.ts";
import type { SkillDefinition } from "../skills/schema.ts";
import { threadKey } from "../ui/surface.ts";
import { displayName, type User, userKey } from "../ui/user.ts";
import type { TurnContext } from "./meta-tool.ts";
import { META_TOOL_NAMES } from "./meta-tool-names.ts";
import { PROPOSE_SKILL } from "./propose-skill.ts";

/** What `codemem skills import` hands a session: a folder's skill, the values its dry run uses, whose it is. */
export interface SkillImport {
  skill: SkillDefinition;
  sampleParams: Record<string, unknown>;
  /** Where it came from (the folder), for the thread and the audit log. */
  source: string;
  user: User;
}

/**
 * An imported skill goes through exactly what a model's proposal does (propose_skill: it compiles and
 * exports run, it names only the tools it declares, every read-only one has a locked schema, a dry run
 * with writes intercepted), then waits on the same card for Approve or Reject. Nothing of the folder is
 * taken on trust: each tool's access comes from this install's registry, not from the file; the
 * schemas it locked are held to the tools' real output by every run's drift check.
 */
export async function importSkill(
  turn: TurnContext,
  input: SkillImport,
  checkpoint: () => Promise<void>,
): Promise<void> {
  const { deps, session, voice } = turn;
  const { skill, user } = input;
  if (session.pending !== undefined && session.pending.kind !== "schedule") {
    await voice.notice(user, "This thread's session is waiting for an answer; import into a new thread.");
    return;
  }
  if (!(await deps.policy.mayTalk(session, user)).allowed) {
    await voice.notice(user, `This thread's session is ${displayName(session.requester)}'s; import into a new thread.`);
    return;
  }
  session.loaded = [...new Set([...session.loaded, ...skill.tools.map((tool) => tool.id)])];
  for (const tool of skill.tools)
    if (deps.catalog.get(tool.id)?.readOnly === true && tool.schema !== undefined) session.locks[tool.id] = tool.schema;
  // The model's conversation gets the import as if it had proposed it: a Reject's reason then reaches
  // it as the answer to this call, and it can revise the skill like one of its own.
  const args = {
    name: skill.name,
    description: skill.description,
    params: skill.params,
    sample_params: input.sampleParams,
    code: skill.code,
    memory: skill.memory,
  };
  const toolCallId = `import-${randomUUID()}`;
  session.messages.push(
    { role: "user", content: `${displayName(user)} imported the skill ${skill.name} from ${input.source}.` },
    {
      role: "assistant",
      content: null,
      tool_calls: [
        {
          id: toolCallId,
          type: "function",
          function: { name: META_TOOL_NAMES.proposeSkill, arguments: JSON.stringify(args) },
        },
      ],
    } as ChatCompletionMessageParam,
  );
  await deps.audit?.append({
    action: "import",
    who: userKey(user),
    skill: skill.name,
    thread: threadKey(session.thread),
    detail: input.source,
  });
  await voice.say(
    `${displayName(user)} imported ${skill.name} from ${input.source}: checking it as I would my own proposal.`,
  );
  const unknown = skill.tools.filter((tool) => deps.catalog.get(tool.id) === undefined).map((tool) => tool.id);
  let refusal: string | undefined =
    unknown.length === 0
      ? undefined
      : `${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not among this install's tools (codemem tools lists them)`;
  if (refusal === undefined)
    try {
      const outcome = await PROPOSE_SKILL.handle(args, turn);
      if ("suspend" in outcome) {
        session.pending = { ...outcome.suspend, toolCallId };
        session.status = "waiting";
      } else refusal = outcome.content;
    } catch (error) {
      const coded = asCodedError(error);
      refusal = `${coded.code}: ${coded.message}`;
    }
  if (refusal !== undefined) {
    session.messages.push({ role: "tool", tool_call_id: toolCallId, content: `error: ${refusal}` });
    session.status = "idle";
    await voice.say(`The imported ${skill.name} was not proposed: ${refusal}`);
  }
  await checkpoint();
}
