import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { delimiter, join } from "node:path";
import { CodedError } from "../errors.ts";

export interface RedisServerOptions {
  /** Data dir for the AOF files. */
  dir: string;
  /** Default: a free loopback port. */
  port?: number | undefined;
  /** Default: 10,000 ms. */
  startTimeoutMs?: number | undefined;
  /** Receives redis-server's log lines. Default: dropped. */
  log?: ((line: string) => void) | undefined;
  /** More redis-server arguments, e.g. `--cluster-enabled yes` for a cluster node. */
  extraArgs?: readonly string[] | undefined;
}

export interface RunningRedis {
  url: string;
  port: number;
  dir: string;
  pid: number;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL (for crash tests). */
  kill(): Promise<void>;
}

const INSTALL_HINT =
  "redis-server was not found: install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis";

export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dirs = [...(env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin", "/usr/local/bin", "/opt/homebrew/bin"];
  for (const dir of dirs) {
    if (dir === "") continue;
    const candidate = join(dir, "redis-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private redis-server on loopback with AOF on and `noeviction` (BullMQ needs both to keep
 * jobs through restarts and memory pressure). Used by `npm start` and the tests when REDIS_URL is unset.
 */
export async function startRedisServer(options: RedisServerOptions): Promise<RunningRedis> {
  const binary = findRedisServer();
  if (binary === undefined) throw new CodedError("REDIS_MISSING", INSTALL_HINT, { family: "user", retryable: false });
  mkdirSync(options.dir, { recursive: true });
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(binary, port, options);
    } catch (error) {
      lastError = error;
      if (options.port !== undefined) break;
    }
  }
  throw lastError;
}

async function launch(binary: string, port: number, options: RedisServerOptions): Promise<RunningRedis> {
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    options.dir,
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--save",
    "",
    "--maxmemory-policy",
    "noeviction",
    "--daemonize",
    "no",
    "--protected-mode",
    "yes",
    ...(options.extraArgs ?? []),
  ];
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const guard = guardAgainstOrphaning(child);
  const output: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      output.push(line);
      if (output.length > 20) output.shift();
      options.log?.(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  while (!(await answersPing(port))) {
    if (exitedEarly) {
      guard?.kill();
      throw new CodedError("REDIS_START_FAILED", `redis-server exited at start: ${output.at(-1) ?? "no output"}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      guard?.kill();
      throw new CodedError(
        "REDIS_START_FAILED",
        `redis-server did not answer on port ${port} within ${options.startTimeoutMs ?? 10_000} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const signal = async (name: NodeJS.Signals) => {
    guard?.kill();
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(name);
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir: options.dir,
    pid: child.pid ?? 0,
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}

/**
 * A SIGKILLed parent cannot stop its children, and redis-server would outlive it holding its port and
 * data dir. A tiny shell watches the parent and stops redis-server when the parent is gone.
 */
function guardAgainstOrphaning(child: ChildProcess): ChildProcess | undefined {
  if (child.pid === undefined || process.platform === "win32") return undefined;
  const script = 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; kill -TERM "$2" 2>/dev/null';
  const guard = spawn("/bin/sh", ["-c", script, "codemem-redis-guard", String(process.pid), String(child.pid)], {
    stdio: "ignore",
  });
  guard.on("error", () => {});
  guard.unref();
  return guard;
}

/** A raw RESP PING, so this module needs no Redis client. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    // NOAUTH: up, and only ACL users may talk (the default user is off).
    socket.once("data", (data) => done(/^(\+PONG|-NOAUTH)/.test(data.toString())));
    socket.connect(port, "127.0.0.1", () => socket.write("*1\r\n$4\r\nPING\r\n"));
  });
}
