import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { userError } from "../errors.ts";
import type { JsonSchema } from "../json-schema.ts";
import type { SkillRecord, SkillStore } from "./store.ts";

/** skills/ beside src/: procedural memory that ships with the product. */
export const SHIPPED_SKILLS_DIR = fileURLToPath(new URL("../../skills/", import.meta.url));

const metadata = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{2,48}$/),
    description: z.string().min(1),
    params: z.object({ type: z.literal("object") }).loose(),
    memory: z.boolean().default(false),
    tools: z.array(
      z.object({
        id: z.string(),
        access: z.enum(["read-only", "writes", "destructive"]),
        schema: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
    author: z.string().default("codemem"),
    approver: z.string().default("shipped"),
  })
  .strict();

/** Reads every skills/<name>/{skill.json, skill.ts}; a broken one is a user error naming the file. */
export function readShippedSkills(dir = SHIPPED_SKILLS_DIR): Omit<SkillRecord, "version" | "created">[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "skill.json")))
    .map((entry) => {
      const file = join(dir, entry.name, "skill.json");
      const parsed = metadata.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (!parsed.success)
        throw userError(
          "SKILL_FILE_INVALID",
          `${file}: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`,
        );
      return {
        ...parsed.data,
        params: parsed.data.params as JsonSchema,
        tools: parsed.data.tools.map((tool) => ({
          id: tool.id,
          access: tool.access,
          schema: tool.schema as JsonSchema | undefined,
        })),
        code: readFileSync(join(dir, entry.name, "skill.ts"), "utf8"),
      };
    });
}

/** Installs shipped skills the store does not have yet; returns the names installed. */
export async function installShippedSkills(store: SkillStore, dir = SHIPPED_SKILLS_DIR): Promise<string[]> {
  const installed: string[] = [];
  for (const skill of readShippedSkills(dir)) if (await store.install(skill)) installed.push(skill.name);
  return installed;
}
