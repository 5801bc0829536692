import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisServer } from "../src/redis/server.ts";
import { REPO } from "./discovery-sets.ts";

/** Resident memory of one process, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The processes a process started. */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
  return text === "" ? [] : text.split(/\s+/).map(Number);
}

async function measure(
  command: "start" | "worker",
  build: "tsx" | "compiled",
  env: NodeJS.ProcessEnv,
): Promise<Record<string, unknown>> {
  const started = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [join(REPO, "bin", "codemem.mjs"), command, ...(command === "start" ? ["--port", "0"] : [])],
    {
      cwd: REPO,
      env: { ...env, CODEMEM_SOURCE: build === "tsx" ? "1" : "0" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const ready = command === "start" ? /^ready /m : /^worker /m;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (ready.test(out)) {
          clearInterval(timer);
          resolve();
        } else if (performance.now() - started > 120_000) {
          clearInterval(timer);
          reject(new Error(`codemem ${command} did not get ready: ${out.slice(-300)}`));
        }
      }, 20);
    });
    const readyMs = Math.round(performance.now() - started);
    // Idle: let start-up work settle, then read the codemem process's own memory (not its servers').
    await new Promise((resolve) => setTimeout(resolve, 3000));
    // The bin re-runs itself with --no-node-snapshot: codemem is its child, the demo servers are codemem's.
    const codemem = childrenOf(child.pid as number)[0] ?? (child.pid as number);
    const servers = childrenOf(codemem).reduce((sum, pid) => sum + rssMb(pid), 0);
    return {
      bench: "startup",
      command,
      build,
      ready_ms: readyMs,
      idle_rss_mb: rssMb(codemem),
      servers_rss_mb: servers,
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

/**
 * Time to ready and idle memory of `codemem start` and `codemem worker`, run from the sources (tsx)
 * and from the compiled build (`npm run build`, built here when missing), one JSON line each. The
 * local embedding model is off, so the figures are the code's alone.
 */
export async function benchStartup(): Promise<void> {
  if (!existsSync(join(REPO, "dist", "adapters", "cli.js"))) {
    await new Promise((resolve) => spawn(process.execPath, [join(REPO, "scripts", "build.mjs")]).once("exit", resolve));
  }
  const dir = mkdtempSync(join(tmpdir(), "codemem-bench-startup-"));
  const redis = await startRedisServer({ dir: join(dir, "redis") });
  const env = {
    ...process.env,
    REDIS_URL: redis.url,
    CODEMEM_HOME: join(dir, ".codemem"),
    CODEMEM_SEMANTIC: "off",
  };
  try {
    for (const command of ["start", "worker"] as const) {
      for (const build of ["tsx", "compiled"] as const) {
        process.stdout.write(`${JSON.stringify(await measure(command, build, env))}\n`);
      }
    }
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
