import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DISCOVERY_SETS } from "../bench/discovery-sets.ts";

const ROOT = join(import.meta.dirname, "..");
const SKIP = new Set(["node_modules", "dist", ".codemem", ".git", "coverage"]);

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path, pattern);
    return pattern.test(entry.name) ? [path] : [];
  });
}

describe("a clone of the repository alone", () => {
  it("should find every document a document links to", () => {
    const broken: string[] = [];
    for (const doc of files(ROOT, /\.md$/)) {
      for (const match of readFileSync(doc, "utf8").matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = (match[1] as string).split("#")[0] as string;
        if (target === "" || /^[a-z]+:/.test(target)) continue;
        if (!existsSync(resolve(dirname(doc), target))) broken.push(`${relative(ROOT, doc)} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("should reach nothing outside itself: no file names a path above the repository", () => {
    const outside = files(ROOT, /\.(ts|mjs|js|json|md|yml|py|sh)$|^run$/)
      .filter((file) => !file.includes(`${join("bench", "data")}/`) || file.endsWith(".md"))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .map((line, index) => ({ line, index }))
          .filter(({ line }) => /\.\.\/shared\b|["'`(]\/work\//.test(line))
          .map(({ index }) => `${relative(ROOT, file)}:${index + 1}`),
      );
    expect(outside).toEqual([]);
  });

  it("should hold every evaluation set the benches read, each with its source, licence and converter", () => {
    for (const dir of DISCOVERY_SETS) {
      expect(relative(ROOT, dir).startsWith("bench/data/")).toBe(true);
      for (const file of ["tools.jsonl", "queries.jsonl", "SOURCE.md", "LICENSE"])
        expect(existsSync(join(dir, file)), file).toBe(true);
      const source = readFileSync(join(dir, "SOURCE.md"), "utf8");
      expect(source).toMatch(/commit\s+[0-9a-f]{40}/);
      expect(source).toMatch(/licen[cs]e/i);
      expect(readdirSync(dir).some((name) => /^convert\.(mjs|py)$/.test(name))).toBe(true);
    }
  });
});
