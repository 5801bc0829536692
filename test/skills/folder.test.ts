import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { readSkillFolder, SKILL_FILES, skillMarkdown, writeSkillFolder } from "../../src/skills/folder.ts";
import { SHIPPED_SKILLS_DIR } from "../../src/skills/shipped.ts";
import type { SkillRecord } from "../../src/skills/store.ts";

const SHIPPED = join(SHIPPED_SKILLS_DIR, "archive-attachments");

describe("skills as Agent Skills folders", () => {
  const scratch = mkdtempSync(join(tmpdir(), "codemem-folders-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("ships the archive skill as a folder the open format accepts", () => {
    const markdown = readFileSync(join(SHIPPED, SKILL_FILES.skill), "utf8");
    const front = parse(/^---\n([\s\S]*?)\n---/.exec(markdown)?.[1] ?? "") as Record<string, unknown>;
    expect(front.name).toBe("archive-attachments");
    expect(String(front.name)).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(String(front.name).length).toBeLessThanOrEqual(64);
    expect(String(front.description).length).toBeGreaterThan(0);
    expect(String(front.description).length).toBeLessThanOrEqual(1024);
    const { draft } = readSkillFolder(SHIPPED);
    expect(draft).toMatchObject({ name: "archive-attachments", memory: true, approver: "shipped with codemem" });
    expect(draft.code).toContain("export async function run(");
    expect(draft.tools.find((tool) => tool.id === "outlook__list_messages")?.schema).toBeDefined();
    // SKILL.md is what the writer makes of the folder's own files: an edit to them shows here.
    expect(markdown).toBe(skillMarkdown(draft));
  });

  it("writes any saved skill in the same layout and reads it back whole, with its history", () => {
    const { draft } = readSkillFolder(SHIPPED);
    const record: SkillRecord = {
      ...draft,
      format: 1,
      version: 3,
      created: "2026-12-01T10:00:00.000Z",
      author: "slack:UALICE",
      approver: "slack:UOLGA",
    };
    const history = [1, 2, 3].map((version) => ({
      version,
      author: "slack:UALICE",
      approver: "slack:UOLGA",
      created: "2026-12-01T10:00:00.000Z",
    }));
    const dir = writeSkillFolder(scratch, record, history);
    expect(dir).toBe(join(scratch, "archive-attachments"));
    const back = readSkillFolder(dir);
    expect(back.draft).toEqual({ ...draft, author: "slack:UALICE", approver: "slack:UOLGA" });
    expect(back.versions).toEqual(history);
    expect(readFileSync(join(dir, SKILL_FILES.skill), "utf8")).toContain('codemem-version: "3"');
  });

  it("says which file is wrong and how, for a folder that breaks the format", () => {
    const broken = (name: string, edit: (dir: string) => void): string => {
      const dir = join(scratch, "broken", name);
      cpSync(SHIPPED, dir, { recursive: true });
      edit(dir);
      return dir;
    };
    const skillFile = (dir: string) => join(dir, SKILL_FILES.skill);
    const rewrite = (dir: string, from: string | RegExp, to: string) =>
      writeFileSync(skillFile(dir), readFileSync(skillFile(dir), "utf8").replace(from, to));
    expect(() => readSkillFolder(broken("elsewhere", () => {}))).toThrow(
      /SKILL\.md: name "archive-attachments" must match its folder "elsewhere"/,
    );
    const upper = broken("Archive-Mail", (dir) => rewrite(dir, "name: archive-attachments", "name: Archive-Mail"));
    expect(() => readSkillFolder(upper)).toThrow(/name = "Archive-Mail": lowercase letters, digits and single hyphens/);
    const long = broken("archive-attachments", (dir) =>
      rewrite(dir, /description: .*/, `description: ${"x".repeat(1025)}`),
    );
    expect(() => readSkillFolder(long)).toThrow(/description = .*at most 1,024 characters/);
    rmSync(long, { recursive: true });
    const noFront = broken("archive-attachments", (dir) => writeFileSync(skillFile(dir), "# just a title\n"));
    expect(() => readSkillFolder(noFront)).toThrow(/SKILL\.md: it starts with front matter between --- lines/);
    rmSync(noFront, { recursive: true });
    const noCode = broken("archive-attachments", (dir) => rmSync(join(dir, SKILL_FILES.code)));
    expect(() => readSkillFolder(noCode)).toThrow(/scripts\/skill\.ts is missing/);
    rmSync(noCode, { recursive: true });
    const badJson = broken("archive-attachments", (dir) => writeFileSync(join(dir, SKILL_FILES.params), "{ nope"));
    expect(() => readSkillFolder(badJson)).toThrow(/params\.schema\.json: .*JSON/);
  });
});
