import { asCodedError, isCodedError } from "../errors.ts";
import { Realm, RealmPool } from "./realm.ts";
import type { RunScopeConfig } from "./realm-source.ts";
import { RunState } from "./run-state.ts";
import { ARGS_PARAMETER, exportBindings, stripExportClause, transpileModule, transpileScript } from "./transpile.ts";
import type {
  SandboxErrorInfo,
  SandboxExecutor,
  SandboxLimits,
  SandboxResult,
  SandboxRunOptions,
  SandboxTools,
} from "./types.ts";

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 30_000,
  memoryMb: 128,
  maxOutputChars: 16_000,
  maxToolCalls: 10_000,
  maxResultChars: 5_000_000,
};

/**
 * Longest stretch of code between two awaits: past it a run fails (an endless loop holds an isolate
 * thread of isolated-vm's pool, never the host's, see realm-source.ts); skills await a tool within
 * microseconds of starting and spend microseconds on each result.
 */
const SYNC_SLICE_MS = 1000;

const NO_TOOLS: SandboxTools = { ids: [], call: () => Promise.reject(new Error("no tools")) };

/** What a run hands the host when it settles (parsed, never trusted). */
interface SettledReply {
  ok: boolean;
  valueJson?: string | undefined;
  error?: { code: string; message: string; retryable?: boolean } | undefined;
  tail: string;
  omittedChars: number;
}

/** Checked by hand: this runs once per item, where a schema library's parse showed in profiles. */
function parseSettledReply(json: string): SettledReply {
  const reply = JSON.parse(json) as Partial<SettledReply> | null;
  const error = reply?.error;
  const valid =
    typeof reply === "object" &&
    reply !== null &&
    typeof reply.ok === "boolean" &&
    (reply.valueJson === undefined || typeof reply.valueJson === "string") &&
    (error === undefined ||
      (typeof error === "object" &&
        error !== null &&
        typeof error.code === "string" &&
        typeof error.message === "string")) &&
    typeof reply.tail === "string" &&
    typeof reply.omittedChars === "number";
  if (!valid) throw new Error(`the sandbox settled with a malformed reply: ${json.slice(0, 200)}`);
  return reply as SettledReply;
}

export interface IsolatedSandboxOptions {
  /** Limits used when a run does not set its own. Default: DEFAULT_SANDBOX_LIMITS. */
  defaults?: Partial<SandboxLimits> | undefined;
}

/**
 * Runs untrusted TypeScript in isolated-vm. A probe or script gets a new isolate; a skill entry runs in
 * a warm frozen realm of the same code when one is idle (see RealmPool), with a fresh scope per run.
 * Code runs on isolated-vm's threads in stretches between awaits, each cut off at SYNC_SLICE_MS (endless
 * loops), never on this one; a host-side watchdog disposes the isolate at the wall limit (promises that
 * never settle, hung tools, a stretch still spinning).
 */
export class IsolatedSandbox implements SandboxExecutor {
  private readonly defaults: SandboxLimits;
  private readonly realms = new RealmPool();
  private created = 0;
  private reused = 0;

  /** Skill entries transpiled once per process (item runs repeat one code thousands of times), by code. */
  private readonly entries = new Map<string, CompiledEntry[]>();

  constructor(options: IsolatedSandboxOptions = {}) {
    this.defaults = { ...DEFAULT_SANDBOX_LIMITS, ...definedOnly(options.defaults ?? {}) };
  }

  /** Realms created and runs that reused a warm one since this sandbox was made, and realms warm now. */
  stats(): { realmsCreated: number; realmsReused: number; realmsIdle: number } {
    return { realmsCreated: this.created, realmsReused: this.reused, realmsIdle: this.realms.size };
  }

  /** Disposes the warm realms (they are also disposed after 30 s unused). */
  close(): void {
    this.realms.clear();
  }

  async run(code: string, options: SandboxRunOptions = {}): Promise<SandboxResult> {
    const limits: SandboxLimits = { ...this.defaults, ...definedOnly(options.limits ?? {}) };
    const run = new RunState(options.tools ?? NO_TOOLS, limits, options);
    let script: string;
    let key: string | undefined;
    try {
      if (options.entry === undefined) script = transpileScript(code, options.filename ?? "probe.ts");
      else ({ script, key } = this.entry(code, options.entry.name, options.filename ?? "skill.ts", limits.memoryMb));
    } catch (error) {
      return run.failed(asCodedError(error, "SANDBOX_COMPILE").toJSON());
    }

    let realm: Realm | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let timedOut = false;
    let reusable = false;
    try {
      realm = key === undefined ? undefined : this.realms.take(key);
      if (realm === undefined) {
        realm = Realm.create(key, script, limits.memoryMb, options.filename ?? "probe.ts");
        this.created++;
      } else this.reused++;
      const doomed = realm;
      // The wall clock starts with the code, not with compiling it or making its isolate: on a busy
      // machine those can take longer than a short limit, and the code would be cut before its first line.
      run.begin();
      watchdog = setTimeout(() => {
        timedOut = true;
        doomed.dispose();
        run.fail(new Error("timed out"));
      }, limits.timeoutMs);
      const half = Math.floor(limits.maxOutputChars / 2);
      const config: RunScopeConfig = {
        toolIds: run.tools.ids,
        headChars: half,
        tailChars: limits.maxOutputChars - half,
      };
      realm.start(run, JSON.stringify(config), JSON.stringify(options.entry?.args ?? []), {
        sliceMs: SYNC_SLICE_MS,
        deadline: run.deadline,
      });
      const raw = await run.outcome;
      reusable = run.quiet();
      const reply = parseSettledReply(raw);
      const output = joinOutput(run.head, reply.tail, reply.omittedChars);
      if (!reply.ok) return run.failed(reply.error ?? { code: "SANDBOX_RUNTIME", message: "failed" }, output);
      if (reply.valueJson !== undefined && reply.valueJson.length > limits.maxResultChars) {
        return run.failed(
          {
            code: "SANDBOX_RESULT",
            message: `the returned value is ${reply.valueJson.length} characters of JSON; the limit is ${limits.maxResultChars}`,
          },
          output,
        );
      }
      const result: SandboxResult = { ok: true, output, calls: run.calls, durationMs: run.elapsed() };
      if (reply.valueJson !== undefined) result.value = JSON.parse(reply.valueJson);
      return result;
    } catch (error) {
      return run.failed(classifyHostFailure(error, timedOut || Date.now() >= run.deadline - 1, limits));
    } finally {
      clearTimeout(watchdog);
      run.finish();
      if (realm !== undefined) {
        realm.end();
        if (reusable && !timedOut) this.realms.give(realm);
        else realm.dispose();
      }
    }
  }

  /** The script of a skill entry and the key of the realms that can run it. */
  private entry(code: string, name: string, filename: string, memoryMb: number): CompiledEntry {
    const compiled = this.entries.get(code) ?? [];
    const known = compiled.find(
      (entry) => entry.name === name && entry.filename === filename && entry.memoryMb === memoryMb,
    );
    if (known !== undefined) return known;
    const script = transpileScript(moduleCaller(transpileModule(code, filename), name), "skill-entry.js");
    const entry: CompiledEntry = { name, filename, memoryMb, script, key: `${memoryMb}\u0000${script}` };
    if (this.entries.size >= 64 && !this.entries.has(code))
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(code, [...compiled, entry]);
    return entry;
  }
}

interface CompiledEntry {
  name: string;
  filename: string;
  memoryMb: number;
  script: string;
  key: string;
}

/** Script body that evaluates a transpiled module and calls one export with the run's args and ctx. */
function moduleCaller(moduleJs: string, entry: string): string {
  const local = exportBindings(moduleJs).get(entry);
  return `${stripExportClause(moduleJs)}
const __entry = ${local ?? "undefined"};
if (typeof __entry !== "function") {
  const error = new Error("the skill exports no function " + ${JSON.stringify(entry)});
  error.code = "SKILL_NO_ENTRY";
  throw error;
}
const __ctx = Object.freeze({ tools, memory: __codemem_memory__, log: (...args) => console.log(...args) });
return await __entry(...${ARGS_PARAMETER}, __ctx);`;
}

function joinOutput(head: string[], tail: string, omittedChars: number): string {
  const lines = [...head];
  if (omittedChars > 0) lines.push(`… [${omittedChars} characters of output omitted] …`);
  if (tail.length > 0) lines.push(tail);
  return lines.join("\n");
}

/** `pastWallLimit`: the watchdog fired, or a stretch was cut at the run's wall limit. */
function classifyHostFailure(error: unknown, pastWallLimit: boolean, limits: SandboxLimits): SandboxErrorInfo {
  const message = error instanceof Error ? error.message : String(error);
  if (!pastWallLimit && /timed out/i.test(message)) {
    return {
      code: "SANDBOX_TIMEOUT",
      message: `the code ran ${SYNC_SLICE_MS} ms without awaiting anything (an endless loop?); each stretch between awaits may take at most ${SYNC_SLICE_MS} ms`,
    };
  }
  if (pastWallLimit || /timed out/i.test(message)) {
    return {
      code: "SANDBOX_TIMEOUT",
      message: `the code ran longer than ${limits.timeoutMs} ms (an endless loop, or a promise that never settles?)`,
    };
  }
  if (/memory limit/i.test(message)) {
    return { code: "SANDBOX_MEMORY", message: `the code used more than ${limits.memoryMb} MB of memory` };
  }
  if (isCodedError(error)) return error.toJSON();
  return { code: "SANDBOX_INTERNAL", message };
}

function definedOnly<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
