import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm),
  ].map((match) => (match[1] ?? match[2]) as string);
}

describe("the spine points one way", () => {
  it("should keep src/ free of imports from adapters/", () => {
    const offenders = sources(join(ROOT, "src")).flatMap((file) =>
      imports(file)
        .filter((spec) => /(^|\/)adapters(\/|$)/.test(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("should keep src/ui at the bottom: it imports nothing of ours outside itself", () => {
    const offenders = sources(join(ROOT, "src", "ui")).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith(".."))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("should find the imports it checks (the scan itself works)", () => {
    expect(imports(join(ROOT, "src", "core", "bot.ts"))).toContain("../agent/session.ts");
  });
});
