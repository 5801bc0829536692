import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const BIN = join(ROOT, "bin", "codemem.mjs");

function luaScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? luaScripts(join(dir, entry.name))
      : entry.name.endsWith(".lua")
        ? [join(dir, entry.name)]
        : [],
  );
}

describe("npm run build", () => {
  it("should compile to dist/ with source maps and its assets, and the bin should run it", () => {
    const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, encoding: "utf8" });
    expect(build.stderr).toBe("");
    expect(build.status).toBe(0);
    expect(luaScripts(join(ROOT, "src")).length).toBeGreaterThan(5);
    for (const file of [
      "dist/adapters/cli.js",
      "dist/adapters/cli.js.map",
      "dist/adapters/console/page.html",
      // Every Lua script the code loads at run time, wherever it sits.
      ...luaScripts(join(ROOT, "src")).map((file) => `dist/${relative(ROOT, file)}`),
      "dist/src/discovery/local-embeddings-worker.mjs",
      "dist/skills/archive-attachments/scripts/skill.ts",
      "dist/skills/archive-attachments/SKILL.md",
    ])
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    const env = { ...process.env };
    delete env.CODEMEM_SOURCE;
    const compiled = spawnSync(process.execPath, [BIN, "version"], { encoding: "utf8", env });
    expect(compiled.stdout.trim()).toMatch(/^codemem \d+\.\d+\.\d+, compiled \(dist\/\)$/);
    // The compiled build starts the demo's stdio servers as JavaScript, with no TypeScript loader.
    const tools = spawnSync(process.execPath, [BIN, "tools", "--json"], { encoding: "utf8", env, cwd: ROOT });
    expect(tools.status).toBe(0);
    const { apps } = JSON.parse(tools.stdout) as { apps: { app: string; tools: number }[] };
    expect(apps.find((app) => app.app === "outlook")?.tools).toBeGreaterThan(0);
    const source = spawnSync(process.execPath, [BIN, "version"], {
      encoding: "utf8",
      env: { ...env, CODEMEM_SOURCE: "1" },
    });
    expect(source.stdout.trim()).toMatch(/from the sources \(tsx\)$/);
  }, 120_000);
});
