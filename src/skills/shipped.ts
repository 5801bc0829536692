import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { userError } from "../errors.ts";
import { skillDefinitionSchema } from "./schema.ts";
import type { SkillDraft, SkillStore } from "./store.ts";

/** skills/ beside src/: procedural memory that ships with the product. */
export const SHIPPED_SKILLS_DIR = fileURLToPath(new URL("../../skills/", import.meta.url));

/** skill.json: the skill's definition but its code (skill.ts beside it), and who it is by. */
const metadata = skillDefinitionSchema
  .omit({ code: true })
  .extend({
    description: z.string().min(1),
    params: z.object({ type: z.literal("object") }).loose(),
    memory: z.boolean().default(false),
    author: z.string().default("codemem"),
    approver: z.string().default("shipped"),
  })
  .strict();

/** Reads every skills/<name>/{skill.json, skill.ts}; a broken one is a user error naming the file. */
export function readShippedSkills(dir = SHIPPED_SKILLS_DIR): SkillDraft[] {
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
      return { ...parsed.data, code: readFileSync(join(dir, entry.name, "skill.ts"), "utf8") };
    });
}

/** Installs shipped skills the store does not have yet; returns the names installed. */
export async function installShippedSkills(store: SkillStore, dir = SHIPPED_SKILLS_DIR): Promise<string[]> {
  const installed: string[] = [];
  for (const skill of readShippedSkills(dir)) if (await store.install(skill)) installed.push(skill.name);
  return installed;
}
