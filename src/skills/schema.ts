import { z } from "zod";
import { jsonSchemaSchema } from "../json-schema.ts";

/** The shape skill versions are saved in; a release that changes it reads the older ones (src/stored.ts). */
export const SKILL_FORMAT = 1;

/** What a skill's module exports: `items(params, ctx)` lists the work (optional), `run(item, params, ctx)` does one item. */
export const SKILL_EXPORTS = { items: "items", run: "run" } as const;

/** A skill's name: lowercase words joined by "-", as commands and ids use it. */
export const skillNameSchema = z.string().regex(/^[a-z][a-z0-9-]{2,48}$/, {
  error: "a skill name is lowercase words joined by -, e.g. archive-attachments",
});

/** One tool a skill was approved with: its access, and for reads the output schema its probe locked. */
export const skillToolSchema = z.object({
  id: z.string(),
  access: z.enum(["read-only", "writes", "destructive"]),
  schema: jsonSchemaSchema.optional(),
});

/** What a skill is, whoever wrote it: its code, its params, the tools it may call. */
export const skillDefinitionSchema = z.object({
  name: skillNameSchema,
  description: z.string(),
  /** The params' JSON Schema; runs are checked against it. */
  params: jsonSchemaSchema,
  /** A TypeScript module exporting run(item, params, ctx) and optionally items(params, ctx). */
  code: z.string(),
  tools: z.array(skillToolSchema),
  /** Whether runs skip item keys already done (the dedup memory). */
  memory: z.boolean(),
});

/** A skill the agent proposes: its definition and the values its dry run used (Approve runs with them). */
export const proposedSkillSchema = skillDefinitionSchema.extend({
  sampleParams: z.record(z.string(), z.unknown()),
});

/** Who a version is by: a user key, or "codemem"/"shipped" for the skills that ship with it. */
const people = { author: z.string(), approver: z.string() };

/** One saved, immutable version of a skill. */
export const skillRecordSchema = skillDefinitionSchema.extend({
  format: z.literal(SKILL_FORMAT),
  version: z.number().int().min(1),
  ...people,
  created: z.string(),
});

export type SkillTool = z.infer<typeof skillToolSchema>;
export type SkillDefinition = z.infer<typeof skillDefinitionSchema>;
export type ProposedSkill = z.infer<typeof proposedSkillSchema>;
export type SkillRecord = z.infer<typeof skillRecordSchema>;
/** What a save takes: the definition and who made it; the store numbers the version and dates it. */
export type SkillDraft = SkillDefinition & { author: string; approver: string };
