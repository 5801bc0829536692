import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSkillFolder, SKILL_FILES } from "./folder.ts";
import type { SkillDraft, SkillStore } from "./store.ts";

/** skills/ beside src/: procedural memory that ships with the product, one Agent Skills folder each. */
export const SHIPPED_SKILLS_DIR = fileURLToPath(new URL("../../skills/", import.meta.url));

/** Reads every skills/<name>/SKILL.md folder (src/skills/folder.ts); a broken one is a user error naming the file. */
export function readShippedSkills(dir = SHIPPED_SKILLS_DIR): SkillDraft[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, SKILL_FILES.skill)))
    .map((entry) => readSkillFolder(join(dir, entry.name)).draft);
}

/** Installs shipped skills the store does not have yet; returns the names installed. */
export async function installShippedSkills(store: SkillStore, dir = SHIPPED_SKILLS_DIR): Promise<string[]> {
  const installed: string[] = [];
  for (const skill of readShippedSkills(dir)) if (await store.install(skill)) installed.push(skill.name);
  return installed;
}
