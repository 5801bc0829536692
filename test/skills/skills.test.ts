import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ToolSearch } from "../../src/discovery/search.ts";
import { followSkills } from "../../src/skills/catalog.ts";
import { lineDiff } from "../../src/skills/diff.ts";
import { installShippedSkills, readShippedSkills } from "../../src/skills/shipped.ts";
import { SkillStore } from "../../src/skills/store.ts";
import { demoCatalog } from "../helpers/catalog.ts";

describe("skills as procedural memory", () => {
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 2 });
  afterAll(() => redis.disconnect());
  const store = () => new SkillStore(redis, `test${process.pid}x${Date.now()}x${Math.random()}`);

  it("should ship the archive skill with locked schemas and install it once", async () => {
    const shipped = readShippedSkills();
    const archive = shipped.find((skill) => skill.name === "archive-attachments");
    expect(archive?.tools.find((tool) => tool.id === "outlook__list_messages")?.schema).toMatchObject({
      properties: { value: { type: "array" } },
    });
    expect(archive?.code).toContain("export async function run(");
    const skills = store();
    expect(await installShippedSkills(skills)).toContain("archive-attachments");
    expect(await installShippedSkills(skills)).toEqual([]);
    expect((await skills.latest("archive-attachments"))?.version).toBe(1);
  });

  it("should keep versions immutable, move latest on save and back on rollback", async () => {
    const skills = store();
    const base = {
      name: "greet",
      description: "Says hello.",
      params: { type: "object", properties: {} },
      memory: false,
      tools: [],
      author: "ana",
      approver: "ana",
    };
    await skills.save({ ...base, code: "export async function run() { return 'hi' }" });
    await skills.save({ ...base, code: "export async function run() { return 'hello' }" });
    expect((await skills.latest("greet"))?.version).toBe(2);
    await skills.rollback("greet", 1);
    expect((await skills.latest("greet"))?.code).toContain("'hi'");
    expect((await skills.version("greet", 2))?.code).toContain("'hello'");
    await expect(skills.rollback("greet", 7)).rejects.toMatchObject({
      code: "SKILL_VERSION_UNKNOWN",
      message: "greet has no version 7; versions are 1 to 2 (latest is v1)",
    });
    await expect(skills.require("nope")).rejects.toMatchObject({
      code: "SKILL_UNKNOWN",
      message: expect.stringContaining("Skills: greet"),
    });
  });

  it("should show what changed between versions as a line diff", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc")).toBe("  a\n- b\n+ B\n  c");
    expect(lineDiff("same", "same")).toBe("(no changes)");
  });

  it("should let search find a saved skill before the tools when a task repeats", async () => {
    const skills = store();
    await installShippedSkills(skills);
    const catalog = demoCatalog(["gmail", "dropbox"]);
    const stop = await followSkills(skills, catalog);
    const search = new ToolSearch({ catalog });
    const hits = search.searchLexical({
      query: "archive PDF XLSX attachments into OneDrive folders per sender company",
      k: 3,
    });
    expect(hits[0]?.id).toBe("skills__archive_attachments");
    stop();
  });
});
