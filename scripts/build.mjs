#!/usr/bin/env node
// `npm run build`: compiled ESM with source maps in dist/ (tsc with tsconfig.build.json rewrites the
// .ts imports to .js), plus the files the code reads at run time (Lua scripts, the console page, the
// embedding worker, the shipped skills). The installed `codemem` bin runs dist/ when it exists.
import { spawnSync } from "node:child_process";
import { cpSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

/** Every file below `dir` whose name matches. */
function files(dir, pattern) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}
const assets = [
  ...files(join(root, "src"), /\.(lua|mjs)$/),
  ...files(join(root, "adapters"), /\.html$/),
  ...files(join(root, "skills"), /./),
];
for (const file of assets) cpSync(file, join(dist, relative(root, file)), { recursive: false });
process.stdout.write(`built ${relative(root, dist)}/ (${assets.length} assets copied)\n`);
