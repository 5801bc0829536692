import { z } from "zod";
import { userError } from "../errors.ts";
import { referencedToolIds } from "../sandbox/referenced-tools.ts";
import type { SandboxTools } from "../sandbox/types.ts";
import { moduleExports, transpileModule } from "../sandbox/transpile.ts";
import type { JsonSchema } from "../json-schema.ts";
import type { AgentDeps } from "./deps.ts";
import { META_TOOL_NAMES } from "./meta-tool-names.ts";
import { SKILL_EXPORTS, skillNameSchema } from "../skills/schema.ts";
import type { ProposedSkill, SessionState } from "./session.ts";

export const proposeSkillArgs = z
  .object({
    name: skillNameSchema,
    description: z.string().min(10, { error: "say in a sentence what the skill does" }),
    params: z.object({ type: z.literal("object"), properties: z.record(z.string(), z.unknown()) }).loose(),
    sample_params: z.record(z.string(), z.unknown()).default({}),
    code: z.string().min(1),
    memory: z.boolean().default(false),
  })
  .strict();

/** A proposal the guard rails turn down, in a line the model reads and acts on. */
const refused = (why: string) => userError("PROPOSAL_REFUSED", `${META_TOOL_NAMES.proposeSkill} refused: ${why}`);

export interface DryRun {
  items: number;
  ran: number;
  intercepted: { id: string; args: unknown }[];
  output: string;
}

/**
 * propose_skill's guard rails, in code: the module compiles and exports run; every tool it names was
 * loaded, and every read-only one was probed (its schema is locked); a skill over many items asked
 * about a dedup memory first; and a dry run on a small sample passes with writes intercepted.
 */
export async function checkProposal(
  deps: AgentDeps,
  session: SessionState,
  args: z.infer<typeof proposeSkillArgs>,
): Promise<{ proposal: ProposedSkill; dryRun: DryRun }> {
  let compiled: string;
  try {
    compiled = transpileModule(args.code, `${args.name}.ts`);
  } catch (error) {
    throw refused(`the code does not compile: ${(error as Error).message}`);
  }
  const exported = moduleExports(compiled);
  if (!exported.has(SKILL_EXPORTS.run)) {
    throw refused("the module must `export async function run(item, params, ctx)` (and may export items(params, ctx))");
  }
  const named = referencedToolIds(args.code);
  if (named.length === 0) throw refused("the code calls no tools (ctx.tools.app__tool(args))");
  const notLoaded = named.filter((id) => !session.loaded.includes(id));
  if (notLoaded.length > 0) {
    throw refused(
      `${notLoaded.join(", ")} ${notLoaded.length === 1 ? "is" : "are"} not loaded; search, load and probe first`,
    );
  }
  const unprobed = named.filter((id) => deps.catalog.get(id)?.readOnly === true && session.locks[id] === undefined);
  if (unprobed.length > 0) {
    throw refused(
      `${unprobed.join(", ")} ${unprobed.length === 1 ? "was" : "were"} never probed, so its output shape is a guess. Call it in ${META_TOOL_NAMES.executeCode} with a small sample first.`,
    );
  }
  const many = session.probes.some((probe) => probe.items > deps.limits.memoryQuestionAbove || probe.more);
  if (many && !session.askedAbout.includes("dedup_memory")) {
    throw refused(
      `the probes saw more than ${deps.limits.memoryQuestionAbove} items, so ask the user first whether to add a dedup memory (${META_TOOL_NAMES.askUser} with purpose "dedup_memory"), so re-runs skip done items`,
    );
  }
  const dryRun = await runDry(deps, session, args.code, args.sample_params, exported.has(SKILL_EXPORTS.items));
  const proposal: ProposedSkill = {
    name: args.name,
    description: args.description,
    params: args.params as JsonSchema,
    sampleParams: args.sample_params,
    code: args.code,
    memory: args.memory,
    tools: named.map((id) => {
      const entry = deps.catalog.get(id);
      return {
        id,
        access: entry?.readOnly ? "read-only" : entry?.destructive ? "destructive" : "writes",
        schema: session.locks[id],
      };
    }),
  };
  return { proposal, dryRun };
}

async function runDry(
  deps: AgentDeps,
  session: SessionState,
  code: string,
  params: Record<string, unknown>,
  hasItems: boolean,
): Promise<DryRun> {
  const intercepted: { id: string; args: unknown }[] = [];
  const tools: SandboxTools = {
    ids: session.loaded,
    call: async (id, args) => {
      if (deps.catalog.get(id)?.readOnly === true) return deps.tools.call(id, args);
      intercepted.push({ id, args: abbreviate(args) });
      return { dryRun: true, id: `dry-run-${intercepted.length}`, name: (args as { name?: unknown })?.name ?? null };
    },
  };
  const seen = new Set<string>();
  const memory = { has: async (key: string) => seen.has(key), add: async (key: string) => void seen.add(key) };
  const limits = { timeoutMs: deps.limits.probeTimeoutMs };
  let items: unknown[] = [null];
  const outputs: string[] = [];
  if (hasItems) {
    const listed = await deps.sandbox.run(code, {
      tools,
      memory,
      limits,
      entry: { name: SKILL_EXPORTS.items, args: [params] },
    });
    if (!listed.ok) throw refused(`the dry run of items() failed: ${listed.error?.code}: ${listed.error?.message}`);
    if (!Array.isArray(listed.value)) throw refused("items() must return an array of {key, …}");
    const bad = listed.value.find((item) => typeof (item as { key?: unknown })?.key !== "string");
    if (bad !== undefined) throw refused(`every item needs a string key (got ${JSON.stringify(bad)?.slice(0, 80)})`);
    items = listed.value;
    if (listed.output) outputs.push(listed.output);
  }
  const sample = items.slice(0, deps.limits.dryRunItems);
  for (const item of sample) {
    const ran = await deps.sandbox.run(code, {
      tools,
      memory,
      limits,
      entry: { name: SKILL_EXPORTS.run, args: [item, params] },
    });
    if (ran.output) outputs.push(ran.output);
    if (!ran.ok)
      throw refused(
        `the dry run of run() failed on ${JSON.stringify((item as { key?: unknown })?.key ?? null)}: ${ran.error?.code}: ${ran.error?.message}`,
      );
  }
  return {
    items: hasItems ? items.length : 1,
    ran: sample.length,
    intercepted,
    output: outputs.join("\n").slice(0, 2000),
  };
}

/** Long strings (file contents) shortened for the preview card. */
function abbreviate(args: unknown): unknown {
  const json = JSON.stringify(args);
  if (json === undefined) return args;
  if (typeof args === "object" && args !== null && !Array.isArray(args)) {
    return Object.fromEntries(
      Object.entries(args as Record<string, unknown>).map(([key, value]) => [
        key,
        typeof value === "string" && value.length > 60 ? `${value.slice(0, 40)}… (${value.length} chars)` : value,
      ]),
    );
  }
  return `${json.slice(0, 300)}…`;
}

export function dryRunPreview(dryRun: DryRun): string {
  const writes = dryRun.intercepted.slice(0, 6).map((call) => `${call.id}(${JSON.stringify(call.args)})`);
  return [
    `${dryRun.items} item(s) found; run() tried on ${dryRun.ran}; ${dryRun.intercepted.length} write(s) intercepted, nothing changed.`,
    ...writes.map((line) => `  would call ${line}`),
    ...(dryRun.intercepted.length > writes.length ? [`  … and ${dryRun.intercepted.length - writes.length} more`] : []),
  ].join("\n");
}
