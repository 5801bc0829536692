import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { userError } from "../errors.ts";
import { jsonSchemaSchema } from "../json-schema.ts";
import { describeZodIssue } from "../zod-issue.ts";
import { type SkillDraft, type SkillRecord, skillNameSchema, skillToolSchema } from "./schema.ts";

/**
 * A skill as an Agent Skills folder (the open format: `SKILL.md` with `name` and `description` front
 * matter, files beside it), so the procedure codemem keeps can be read, reviewed and carried by any
 * agent that loads such folders:
 *
 *   <name>/SKILL.md                 front matter + what it does, its parameters, its tools, how to run it
 *   <name>/scripts/skill.ts         the code: run(item, params, ctx) and optionally items(params, ctx)
 *   <name>/params.schema.json       the params' JSON Schema
 *   <name>/references/codemem.json  the tools it was approved with (access, locked output schemas) and,
 *                                   exported, its version history
 */
export const SKILL_FILES = {
  skill: "SKILL.md",
  code: join("scripts", "skill.ts"),
  params: "params.schema.json",
  references: join("references", "codemem.json"),
} as const;

/** The front matter the open format defines (name, description; optional license, compatibility, metadata). */
const frontMatterSchema = z
  .object({
    name: z
      .string()
      .max(64, { error: "at most 64 characters" })
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, { error: "lowercase letters, digits and single hyphens, e.g. archive-mail" }),
    description: z.string().min(1).max(1024, { error: "at most 1,024 characters" }),
    license: z.string().optional(),
    compatibility: z.string().max(500).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    "allowed-tools": z.string().optional(),
  })
  .loose();

/** One version of the history an export carries. */
const versionEntrySchema = z.object({
  version: z.number().int().min(1),
  author: z.string(),
  approver: z.string(),
  created: z.string(),
});

const referencesSchema = z.object({
  tools: z.array(skillToolSchema),
  versions: z.array(versionEntrySchema).optional(),
});

export type SkillVersionEntry = z.infer<typeof versionEntrySchema>;

/** What a folder holds: the skill's definition and who it says made it, and its history when exported. */
export interface SkillFolder {
  draft: SkillDraft;
  versions: SkillVersionEntry[];
}

/** Reads a skill folder; anything off is one user error naming the file and what to fix. */
export function readSkillFolder(dir: string): SkillFolder {
  const file = (name: string) => join(dir, name);
  const read = (name: string): string => {
    if (!existsSync(file(name)))
      throw userError(
        "SKILL_FILE_INVALID",
        `${file(name)} is missing (a skill folder holds ${Object.values(SKILL_FILES).join(", ")})`,
      );
    return readFileSync(file(name), "utf8");
  };
  const markdown = read(SKILL_FILES.skill);
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(markdown);
  if (match === null)
    throw userError("SKILL_FILE_INVALID", `${file(SKILL_FILES.skill)}: it starts with front matter between --- lines`);
  const front = parse(file(SKILL_FILES.skill), frontMatterSchema, () => parseYaml(match[1] as string));
  if (front.name !== basename(dir))
    throw userError(
      "SKILL_FILE_INVALID",
      `${file(SKILL_FILES.skill)}: name "${front.name}" must match its folder "${basename(dir)}"`,
    );
  if (!skillNameSchema.safeParse(front.name).success)
    throw userError(
      "SKILL_FILE_INVALID",
      `${file(SKILL_FILES.skill)}: name "${front.name}" is not one codemem keeps (3 to 49 characters, starting with a letter)`,
    );
  const params = parse(file(SKILL_FILES.params), jsonSchemaSchema, () => JSON.parse(read(SKILL_FILES.params)));
  if (params.type !== "object")
    throw userError(
      "SKILL_FILE_INVALID",
      `${file(SKILL_FILES.params)}: the params are an object schema ("type": "object")`,
    );
  const references = parse(file(SKILL_FILES.references), referencesSchema, () =>
    JSON.parse(read(SKILL_FILES.references)),
  );
  const meta = front.metadata ?? {};
  return {
    draft: {
      name: front.name,
      description: front.description,
      params,
      code: read(SKILL_FILES.code),
      tools: references.tools,
      memory: meta["codemem-memory"] === "true",
      author: meta["codemem-author"] ?? "codemem",
      approver: meta["codemem-approver"] ?? "shipped",
    },
    versions: references.versions ?? [],
  };
}

/** Writes `skill` as `<out>/<name>/`, with its history; returns the folder. */
export function writeSkillFolder(out: string, skill: SkillRecord, versions: readonly SkillVersionEntry[]): string {
  const dir = join(out, skill.name);
  mkdirSync(join(dir, "scripts"), { recursive: true });
  mkdirSync(join(dir, "references"), { recursive: true });
  writeFileSync(join(dir, SKILL_FILES.skill), skillMarkdown(skill));
  writeFileSync(join(dir, SKILL_FILES.code), skill.code);
  writeFileSync(join(dir, SKILL_FILES.params), `${JSON.stringify(skill.params, null, 2)}\n`);
  writeFileSync(join(dir, SKILL_FILES.references), `${JSON.stringify({ tools: skill.tools, versions }, null, 2)}\n`);
  return dir;
}

/**
 * SKILL.md: the front matter, then what a reader (a person, another agent) needs to use it. This is a
 * file format the open spec makes markdown, not a chat message (those stay markup-free in core).
 */
export function skillMarkdown(
  skill: Pick<SkillRecord, "name" | "description" | "params" | "tools" | "memory"> & {
    author: string;
    approver: string;
    version?: number | undefined;
  },
): string {
  const metadata: Record<string, string> = {
    "codemem-memory": String(skill.memory),
    "codemem-author": skill.author,
    "codemem-approver": skill.approver,
    ...(skill.version === undefined ? {} : { "codemem-version": String(skill.version) }),
  };
  const front = stringifyYaml(
    { name: skill.name, description: skill.description.slice(0, 1024), metadata },
    { lineWidth: 0 },
  ).trim();
  const properties = skill.params.properties ?? {};
  const required = new Set(skill.params.required ?? []);
  const params = Object.entries(properties).map(([key, schema]) => {
    const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
    const fallback = schema.default === undefined ? "" : ` (default ${JSON.stringify(schema.default)})`;
    return `- \`${key}\` — ${type}${required.has(key) ? ", required" : ""}${fallback}. ${schema.description ?? ""}`.trimEnd();
  });
  const tools = skill.tools.map(
    (tool) => `- \`${tool.id}\` — ${tool.access}${tool.schema ? " (output schema locked)" : ""}`,
  );
  return `---
${front}
---

# ${skill.name}

${skill.description}

A codemem skill: code approved by a person in chat after its tools were probed and a dry run was shown.
\`scripts/skill.ts\` exports \`run(item, params, ctx)\` (one item) and, when the work is a list, \`items(params, ctx)\`
(one key per item); \`ctx.tools.<app>__<tool>(args)\` are the only calls it makes.${skill.memory ? " It keeps a dedup memory: a re-run skips items done before." : ""}

## Parameters

${params.length > 0 ? params.join("\n") : "None."}

The JSON Schema is \`params.schema.json\`.

## Tools

${tools.join("\n")}

Their access and the output schemas locked at approval are in \`references/codemem.json\`.

## Running it

- In chat: \`/codemem run ${skill.name} {…}\`, or on a schedule with \`/codemem schedule ${skill.name} "<cron>"\`.
- From an MCP client: the tool \`${skill.name}\` of codemem's MCP server (\`/mcp\` or \`codemem mcp\`).
- Into another codemem: \`codemem skills import <this folder>\` proposes it there, with a dry run and an approval.
`;
}

function parse<T>(file: string, schema: z.ZodType<T>, read: () => unknown): T {
  let value: unknown;
  try {
    value = read();
  } catch (error) {
    if ((error as { code?: string }).code === "SKILL_FILE_INVALID") throw error;
    throw userError("SKILL_FILE_INVALID", `${file}: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw userError("SKILL_FILE_INVALID", `${file}: ${describeZodIssue(parsed.error.issues[0], value)}`);
  return parsed.data;
}
