import { paramsOf, type ToolCatalog } from "../discovery/catalog.ts";
import type { CatalogEntry } from "../discovery/types.ts";
import type { SkillRecord, SkillStore } from "./store.ts";

/** Saved skills appear in the tool catalog as the app `skills`, so search finds them like tools. */
export const SKILLS_APP = "skills";

export function skillEntry(skill: SkillRecord): CatalogEntry {
  return {
    id: `${SKILLS_APP}__${skill.name.replaceAll("-", "_")}`,
    app: SKILLS_APP,
    name: skill.name,
    title: skill.name.replaceAll("-", " "),
    description: `${skill.description} (saved skill v${skill.version}; run with /codemem run ${skill.name})`,
    params: paramsOf(skill.params),
    kind: "skill",
    readOnly: skill.tools.every((tool) => tool.access === "read-only"),
    destructive: skill.tools.some((tool) => tool.access === "destructive"),
    inputSchema: skill.params,
  };
}

/** Indexes every skill's latest version now and after each save or rollback in this process. */
export async function followSkills(store: SkillStore, catalog: ToolCatalog): Promise<() => void> {
  const latest = new Map<string, SkillRecord>();
  const publish = () =>
    catalog.setApp(
      SKILLS_APP,
      [...latest.values()].map(skillEntry),
      "saved skills: procedural memory, runnable without a model",
    );
  for (const name of await store.names()) {
    const skill = await store.latest(name);
    if (skill !== undefined) latest.set(name, skill);
  }
  publish();
  return store.onChange((skill) => {
    latest.set(skill.name, skill);
    publish();
  });
}
