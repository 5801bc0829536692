#!/usr/bin/env node
// The only set-up step on a fresh machine, with no dependencies of its own: installs node_modules when
// missing or stale, makes sure redis-server exists, then runs the requested command.
//   node scripts/bootstrap.mjs start|test|bench [args…]
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const [task = "start", ...rest] = process.argv.slice(2);

function say(line) {
  process.stderr.write(`[bootstrap] ${line}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: "inherit", ...options });
  if (result.error) return { status: 127, error: result.error };
  return { status: result.status ?? 1 };
}

/** The env of a codemem child that stops itself if this launcher is SIGKILLed (src/cli/parent-watch.ts). */
function watchedBy(pid) {
  return { ...process.env, CODEMEM_PARENT_PID: String(pid) };
}

function onPath(binary) {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin"];
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, binary), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function ensureNodeModules() {
  const marker = join(root, "node_modules", ".package-lock.json");
  const stale = !existsSync(marker) || statSync(join(root, "package-lock.json")).mtimeMs > statSync(marker).mtimeMs;
  if (!stale) return;
  say("installing dependencies (npm ci; isolated-vm compiles from source, about a minute)…");
  if (run("npm", ["ci", "--no-audit", "--no-fund"]).status !== 0) {
    say("npm ci failed: isolated-vm needs python3, make and g++ (Debian: apt-get install python3 make g++)");
    process.exit(1);
  }
}

function ensureRedis() {
  if (process.env.REDIS_URL || onPath("redis-server")) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && onPath("apt-get")) {
    say("redis-server is missing: installing the Debian package redis-server…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (
      run("apt-get", ["update"], { env }).status === 0 &&
      run("apt-get", ["install", "-y", "--no-install-recommends", "redis-server"], { env }).status === 0
    ) {
      // The package starts a system service on 6379; codemem starts its own on a free port instead.
      return;
    }
  }
  say(
    "redis-server was not found: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL",
  );
  process.exit(1);
}

function ensureChromium() {
  // Only the console's browser tests need it; they say plainly when it is missing.
  if (process.env.CHROMIUM_PATH || onPath("chromium") || onPath("chromium-browser")) return;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !onPath("apt-get")) return;
  say("chromium is missing (browser tests): installing the Debian package chromium…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env }).status !== 0) {
    run("apt-get", ["update"], { env });
    run("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], { env });
  }
}

ensureNodeModules();
ensureRedis();

const node = [process.execPath, "--no-node-snapshot", "--import", "tsx"];
switch (task) {
  case "start":
    process.exitCode = run(node[0], [...node.slice(1), "adapters/cli.ts", "start", ...rest], {
      env: watchedBy(process.pid),
    }).status;
    break;
  case "test": {
    ensureChromium();
    // Format and lint first: one line per problem, and `npx biome check --write .` fixes most of them.
    const style = run(process.execPath, ["node_modules/@biomejs/biome/bin/biome", "ci", "--reporter=summary", "."]);
    if (style.status !== 0) {
      say("format/lint check failed: run npx biome check --write . and commit");
      process.exitCode = style.status;
      break;
    }
    const typecheck = run(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "tsconfig.json"]);
    if (typecheck.status !== 0) {
      say("type check failed");
      process.exitCode = typecheck.status;
      break;
    }
    process.exitCode = run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...rest]).status;
    break;
  }
  case "worker":
    process.exitCode = run(node[0], [...node.slice(1), "adapters/cli.ts", "worker", ...rest], {
      env: watchedBy(process.pid),
    }).status;
    break;
  case "bench":
    process.exitCode = run(node[0], [...node.slice(1), "bench/run.ts", ...rest]).status;
    break;
  default:
    say(`unknown task "${task}": use start, test, worker or bench`);
    process.exitCode = 2;
}
