import { mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/**
 * Behaviour knobs shared by the demo servers, read from the environment so mcp.json, tests and
 * benchmarks can set them per process.
 */
const knobsSchema = z.object({
  DEMO_STATE_DIR: z.string().min(1),
  DEMO_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  /** Calls per second one server process accepts before answering 429; 0 = unlimited. */
  DEMO_RATE_LIMIT: z.coerce.number().min(0).default(0),
  /** Share of calls that fail with a 503, decided by a seeded generator. */
  DEMO_FAULT_RATE: z.coerce.number().min(0).max(1).default(0),
  DEMO_SEED: z.coerce.number().int().default(42),
  /** Comma-separated tool names that never answer. */
  DEMO_HANG_TOOLS: z.string().default(""),
  /** Exit the process (as a crash) when this many calls have arrived; 0 = never. */
  DEMO_CRASH_AFTER: z.coerce.number().int().min(0).default(0),
});

export interface DemoKnobs {
  stateDir: string;
  latencyMs: number;
  rateLimitPerSecond: number;
  faultRate: number;
  seed: number;
  hangTools: ReadonlySet<string>;
  crashAfterCalls: number;
}

export function readKnobs(env: NodeJS.ProcessEnv): DemoKnobs {
  const parsed = knobsSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `demo server: ${issue?.path.join(".")} ${issue?.message} (set DEMO_STATE_DIR to a writable folder)`,
    );
  }
  const k = parsed.data;
  return {
    stateDir: k.DEMO_STATE_DIR,
    latencyMs: k.DEMO_LATENCY_MS,
    rateLimitPerSecond: k.DEMO_RATE_LIMIT,
    faultRate: k.DEMO_FAULT_RATE,
    seed: k.DEMO_SEED,
    hangTools: new Set(
      k.DEMO_HANG_TOOLS.split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    crashAfterCalls: k.DEMO_CRASH_AFTER,
  };
}

/** Deterministic generator (mulberry32): the same seed gives the same mailbox and the same faults. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type DemoEventKind =
  | "call"
  | "rate_limited"
  | "fault"
  | "folder_created"
  | "file_written"
  | "duplicate_write"
  | "conflict"
  | "idempotent_replay";

export interface DemoEvent {
  server: string;
  kind: DemoEventKind;
  tool: string;
  pid: number;
  detail?: string | undefined;
}

/**
 * Events go to one append-only file per state dir. Appends of short lines with O_APPEND are atomic,
 * so several server processes (one per worker process) can share a dir and tests count across them.
 */
export function recordEvent(stateDir: string, event: Omit<DemoEvent, "pid">): void {
  const path = join(stateDir, "events.log");
  let fd = eventLogs.get(path);
  if (fd === undefined) {
    fd = openSync(path, "a");
    eventLogs.set(path, fd);
  }
  // One write(2) per event on a descriptor kept open (open/append/close per event cost 3 syscalls).
  writeSync(fd, `${JSON.stringify({ ...event, pid: process.pid })}\n`);
}

const eventLogs = new Map<string, number>();

export interface DemoCounters {
  /** Calls per `server__tool`. */
  calls: Record<string, number>;
  rateLimited: number;
  faults: number;
  foldersCreated: number;
  filesWritten: number;
  /** Writes onto a name that already held a file: what exactly-once must keep at 0. */
  duplicateWrites: number;
  conflicts: number;
  idempotentReplays: number;
  /** Writes per `path/name`, to find which item was written twice. */
  writesByPath: Record<string, number>;
}

export function readDemoCounters(stateDir: string): DemoCounters {
  const counters: DemoCounters = {
    calls: {},
    rateLimited: 0,
    faults: 0,
    foldersCreated: 0,
    filesWritten: 0,
    duplicateWrites: 0,
    conflicts: 0,
    idempotentReplays: 0,
    writesByPath: {},
  };
  let text = "";
  try {
    text = readFileSync(join(stateDir, "events.log"), "utf8");
  } catch {
    return counters;
  }
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const event = JSON.parse(line) as DemoEvent;
    switch (event.kind) {
      case "call": {
        const key = `${event.server}__${event.tool}`;
        counters.calls[key] = (counters.calls[key] ?? 0) + 1;
        break;
      }
      case "rate_limited":
        counters.rateLimited++;
        break;
      case "fault":
        counters.faults++;
        break;
      case "folder_created":
        counters.foldersCreated++;
        break;
      case "file_written":
        counters.filesWritten++;
        if (event.detail !== undefined)
          counters.writesByPath[event.detail] = (counters.writesByPath[event.detail] ?? 0) + 1;
        break;
      case "duplicate_write":
        counters.duplicateWrites++;
        break;
      case "conflict":
        counters.conflicts++;
        break;
      case "idempotent_replay":
        counters.idempotentReplays++;
        break;
    }
  }
  return counters;
}

export function ensureStateDir(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true });
}
