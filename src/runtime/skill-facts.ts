import { moduleExports, transpileModule } from "../sandbox/transpile.ts";
import type { SkillRecord, SkillTool } from "../skills/store.ts";

interface Facts {
  exports: ReadonlySet<string>;
  toolsById: ReadonlyMap<string, SkillTool>;
  toolIds: readonly string[];
}

/**
 * What the runtime works out of a skill version once, not per item: the names its module exports and
 * its tools by id. Versions never change and the store hands out one record per version, so the record
 * is the cache key (weakly: a version nobody runs any more is let go).
 */
export class SkillFacts {
  private readonly known = new WeakMap<SkillRecord, Facts>();

  exports(skill: SkillRecord): ReadonlySet<string> {
    return this.of(skill).exports;
  }

  toolsById(skill: SkillRecord): ReadonlyMap<string, SkillTool> {
    return this.of(skill).toolsById;
  }

  toolIds(skill: SkillRecord): readonly string[] {
    return this.of(skill).toolIds;
  }

  private of(skill: SkillRecord): Facts {
    let facts = this.known.get(skill);
    if (facts === undefined) {
      const toolsById = new Map(skill.tools.map((tool) => [tool.id, tool]));
      facts = { exports: moduleExports(transpileModule(skill.code)), toolsById, toolIds: [...toolsById.keys()] };
      this.known.set(skill, facts);
    }
    return facts;
  }
}
