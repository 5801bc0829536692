import ivm from "isolated-vm";
import { z } from "zod";
import { asCodedError, isCodedError } from "../errors.ts";
import { preludeSource, SETTLE_FUNCTION } from "./prelude.ts";
import { inferSchema } from "./shape.ts";
import { MAIN_FUNCTION, transpileModule, transpileScript } from "./transpile.ts";
import type {
  SandboxErrorInfo,
  SandboxExecutor,
  SandboxLimits,
  SandboxMemory,
  SandboxResult,
  SandboxRunOptions,
  SandboxTools,
  ToolCallRecord,
} from "./types.ts";

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  timeoutMs: 30_000,
  memoryMb: 128,
  maxOutputChars: 16_000,
  maxToolCalls: 10_000,
  maxResultChars: 5_000_000,
};

const NO_TOOLS: SandboxTools = { ids: [], call: () => Promise.reject(new Error("no tools")) };

/** What the isolate's settle function resolves to (parsed, never trusted). */
const settledReply = z.object({
  ok: z.boolean(),
  valueJson: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  tail: z.string(),
  omittedChars: z.number(),
});

export interface IsolatedSandboxOptions {
  /** Limits used when a run does not set its own. Default: DEFAULT_SANDBOX_LIMITS. */
  defaults?: Partial<SandboxLimits> | undefined;
}

/**
 * Runs untrusted TypeScript in a fresh isolated-vm isolate per run. The isolate's own timeout stops
 * only synchronous code, so a host-side watchdog disposes the isolate at the wall limit: that also ends
 * code that resumes after an `await`, infinite loops and promises that never settle.
 */
export class IsolatedSandbox implements SandboxExecutor {
  private readonly defaults: SandboxLimits;

  /** A skill's module, transpiled once per process: item runs repeat the same code thousands of times. */
  private readonly modules = new Map<string, string>();

  constructor(options: IsolatedSandboxOptions = {}) {
    this.defaults = { ...DEFAULT_SANDBOX_LIMITS, ...definedOnly(options.defaults ?? {}) };
  }

  private compiledModule(code: string, filename: string): string {
    const cached = this.modules.get(code);
    if (cached !== undefined) return cached;
    const compiled = transpileModule(code, filename);
    if (this.modules.size >= 64) this.modules.delete(this.modules.keys().next().value as string);
    this.modules.set(code, compiled);
    return compiled;
  }

  async run(code: string, options: SandboxRunOptions = {}): Promise<SandboxResult> {
    const limits: SandboxLimits = { ...this.defaults, ...definedOnly(options.limits ?? {}) };
    const started = performance.now();
    const calls: ToolCallRecord[] = [];
    const head: string[] = [];
    const elapsed = () => Math.round((performance.now() - started) * 100) / 100;
    const fail = (error: SandboxErrorInfo, output = head.join("\n")): SandboxResult => ({
      ok: false,
      output,
      calls,
      durationMs: elapsed(),
      error,
    });

    let script: string;
    try {
      script =
        options.entry === undefined
          ? transpileScript(code, options.filename ?? "probe.ts")
          : transpileScript(moduleCaller(this.compiledModule(code, options.filename ?? "skill.ts"), options.entry), "skill-entry.js");
    } catch (error) {
      return fail(asCodedError(error, "SANDBOX_COMPILE").toJSON());
    }

    const run = new RunState(options.tools ?? NO_TOOLS, limits, calls, options.memory, options.keepResults === true);
    let isolate: ivm.Isolate | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb });
      const context = await isolate.createContext();
      const half = Math.floor(limits.maxOutputChars / 2);
      await context.evalClosure(
        preludeSource({ toolIds: run.tools.ids, headChars: half, tailChars: limits.maxOutputChars - half }),
        [run.bridge, (line: unknown) => void (typeof line === "string" && head.push(line)), run.timer],
        { arguments: { reference: true } },
      );
      const doomed = isolate;
      watchdog = setTimeout(() => {
        timedOut = true;
        if (!doomed.isDisposed) doomed.dispose();
      }, limits.timeoutMs);
      const raw: unknown = await context.eval(`${script}\n${SETTLE_FUNCTION}(${MAIN_FUNCTION});`, {
        timeout: limits.timeoutMs,
        filename: `file:///${options.filename ?? "probe.ts"}`,
        promise: true,
      });
      const reply = settledReply.parse(JSON.parse(String(raw)));
      const output = joinOutput(head, reply.tail, reply.omittedChars);
      if (!reply.ok) return fail(reply.error ?? { code: "SANDBOX_RUNTIME", message: "failed" }, output);
      if (reply.valueJson !== undefined && reply.valueJson.length > limits.maxResultChars) {
        return fail(
          { code: "SANDBOX_RESULT", message: `the returned value is ${reply.valueJson.length} characters of JSON; the limit is ${limits.maxResultChars}` },
          output,
        );
      }
      const result: SandboxResult = { ok: true, output, calls, durationMs: elapsed() };
      if (reply.valueJson !== undefined) result.value = JSON.parse(reply.valueJson);
      return result;
    } catch (error) {
      return fail(classifyHostFailure(error, timedOut, limits));
    } finally {
      clearTimeout(watchdog);
      run.finish();
      if (isolate !== undefined && !isolate.isDisposed) isolate.dispose();
    }
  }
}

/** Host-side state of one run: the bridge the isolate calls, its timers, and the call log. */
class RunState {
  private finished = false;
  private readonly allowed: ReadonlySet<string>;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deadline: number;

  constructor(
    readonly tools: SandboxTools,
    private readonly limits: SandboxLimits,
    private readonly calls: ToolCallRecord[],
    private readonly memory: SandboxMemory | undefined,
    private readonly keepResults: boolean,
  ) {
    this.allowed = new Set(tools.ids);
    this.deadline = Date.now() + limits.timeoutMs;
  }

  /** Called from the isolate with (id, argsJson); always resolves to `{value}` or `{error}` JSON. */
  readonly bridge = async (id: unknown, argsJson: unknown): Promise<string> => {
    if (this.finished) return refusal("SANDBOX_FINISHED", "the run has ended");
    if (typeof id !== "string" || typeof argsJson !== "string") {
      return refusal("SANDBOX_BRIDGE", "tool calls take an id and JSON arguments");
    }
    if (id === MEMORY_HAS || id === MEMORY_ADD) return this.memoryCall(id, argsJson);
    if (!this.allowed.has(id)) {
      return refusal("TOOL_NOT_LOADED", `tools.${id} is not loaded in this run`);
    }
    if (this.calls.length >= this.limits.maxToolCalls) {
      return refusal("SANDBOX_TOO_MANY_CALLS", `this run made ${this.limits.maxToolCalls} tool calls, the limit`);
    }
    let args: unknown;
    try {
      args = JSON.parse(argsJson);
    } catch {
      return refusal("SANDBOX_BRIDGE", "tool arguments were not JSON");
    }
    const record: ToolCallRecord = { id, args, durationMs: 0, ok: false };
    this.calls.push(record);
    const started = performance.now();
    try {
      const value = await this.tools.call(id, args);
      record.durationMs = Math.round((performance.now() - started) * 100) / 100;
      const json = JSON.stringify({ value });
      if (json.length > this.limits.maxResultChars) {
        record.error = {
          code: "TOOL_RESULT_TOO_LARGE",
          message: `tools.${id} returned ${json.length} characters of JSON; the limit is ${this.limits.maxResultChars}. Ask for fewer items ($top, limit).`,
        };
        return JSON.stringify({ error: record.error });
      }
      record.ok = true;
      record.shape = inferSchema(value);
      if (this.keepResults) record.value = value;
      return json;
    } catch (error) {
      record.durationMs = Math.round((performance.now() - started) * 100) / 100;
      const coded = asCodedError(error, "TOOL_FAILED");
      record.error = { code: coded.code, message: coded.message };
      return JSON.stringify({ error: coded.toJSON() });
    }
  };

  private async memoryCall(id: string, argsJson: string): Promise<string> {
    if (this.memory === undefined) return refusal("MEMORY_UNAVAILABLE", "this run has no dedup memory (ctx.memory)");
    try {
      const { key } = JSON.parse(argsJson) as { key?: unknown };
      if (typeof key !== "string" || key === "") return refusal("MEMORY_BAD_KEY", "memory keys are non-empty strings");
      if (id === MEMORY_HAS) return JSON.stringify({ value: await this.memory.has(key) });
      await this.memory.add(key);
      return JSON.stringify({ value: null });
    } catch (error) {
      return JSON.stringify({ error: asCodedError(error, "MEMORY_FAILED").toJSON() });
    }
  }

  /** `setTimeout` inside the isolate waits on this; clamped to the run's deadline. */
  readonly timer = (ms: unknown): Promise<void> =>
    new Promise((resolve) => {
      if (this.finished) return;
      const wait = Math.min(Math.max(Number(ms) || 0, 0), Math.max(this.deadline - Date.now(), 0));
      const handle = setTimeout(() => {
        this.timers.delete(handle);
        resolve();
      }, wait);
      this.timers.add(handle);
    });

  finish(): void {
    this.finished = true;
    for (const handle of this.timers) clearTimeout(handle);
    this.timers.clear();
  }
}

const MEMORY_HAS = "$memory.has";
const MEMORY_ADD = "$memory.add";

/** Script body that loads a CommonJS-transpiled module and calls one export with ctx. */
function moduleCaller(moduleJs: string, entry: { name: string; args: unknown[] }): string {
  const name = JSON.stringify(entry.name);
  return `const module = { exports: {} };
const exports = module.exports;
${moduleJs}
const __entry = module.exports[${name}];
if (typeof __entry !== "function") {
  const error = new Error("the skill exports no function " + ${name});
  error.code = "SKILL_NO_ENTRY";
  throw error;
}
const __ctx = Object.freeze({ tools, memory: __codemem_memory__, log: (...args) => console.log(...args) });
return await __entry(...${JSON.stringify(entry.args)}, __ctx);`;
}

function refusal(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

function joinOutput(head: string[], tail: string, omittedChars: number): string {
  const lines = [...head];
  if (omittedChars > 0) lines.push(`… [${omittedChars} characters of output omitted] …`);
  if (tail.length > 0) lines.push(tail);
  return lines.join("\n");
}

function classifyHostFailure(error: unknown, timedOut: boolean, limits: SandboxLimits): SandboxErrorInfo {
  const message = error instanceof Error ? error.message : String(error);
  if (timedOut || /timed out/i.test(message)) {
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
