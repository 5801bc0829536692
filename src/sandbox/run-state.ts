import { asCodedError, isRetryable } from "../errors.ts";
import type { Delivery, RealmRun } from "./realm.ts";
import { inferSchema } from "./shape.ts";
import type {
  SandboxErrorInfo,
  SandboxLimits,
  SandboxMemory,
  SandboxResult,
  SandboxRunOptions,
  SandboxTools,
  ToolCallRecord,
} from "./types.ts";

/** Host-side state of one run: what the isolate calls (bridge, log, timers, done), and the call log. */
export class RunState implements RealmRun {
  readonly calls: ToolCallRecord[] = [];
  /** Console lines the isolate handed over as they were printed (kept if the run dies). */
  readonly head: string[] = [];
  readonly tools: SandboxTools;
  /** The settled reply's JSON; rejects when the run dies (timeout, memory). */
  readonly outcome: Promise<string>;
  private settle!: { resolve(json: string): void; reject(error: unknown): void };
  private finished = false;
  /** Bridge calls the host has not answered yet. */
  private inFlight = 0;
  private readonly allowed: ReadonlySet<string>;
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextTicket = 1;
  private readonly started = performance.now();
  /** When the run's wall limit ends; set by begin(), as the code starts. */
  deadline: number;
  private readonly memory: SandboxMemory | undefined;
  private readonly keepResults: boolean;
  private readonly shapes: boolean;

  constructor(
    tools: SandboxTools,
    private readonly limits: SandboxLimits,
    options: SandboxRunOptions,
  ) {
    this.tools = tools;
    this.allowed = new Set(tools.ids);
    this.deadline = Date.now() + limits.timeoutMs;
    this.memory = options.memory;
    this.keepResults = options.keepResults === true;
    this.shapes = options.shapes !== false;
    this.outcome = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    // A run that fails before it starts never awaits its outcome.
    this.outcome.catch(() => {});
  }

  elapsed(): number {
    return Math.round((performance.now() - this.started) * 100) / 100;
  }

  begin(): void {
    this.deadline = Date.now() + this.limits.timeoutMs;
  }

  failed(error: SandboxErrorInfo, output = this.head.join("\n")): SandboxResult {
    // Retryability is decided here once, so every caller (the runtime's retries) reads one flag.
    const retryable = isRetryable(error.code, error.retryable);
    return { ok: false, output, calls: this.calls, durationMs: this.elapsed(), error: { ...error, retryable } };
  }

  done(json: string): void {
    this.settle.resolve(json);
  }

  fail(error: unknown): void {
    this.settle.reject(error);
  }

  log(line: unknown): void {
    if (typeof line === "string") this.head.push(line);
  }

  /** A tool call from the isolate: a refusal at once, or a ticket answered through `delivery`. */
  call(id: unknown, argsJson: unknown, delivery: Delivery): number | string {
    if (this.finished) return refusal("SANDBOX_FINISHED", "the run has ended");
    if (typeof id !== "string" || typeof argsJson !== "string")
      return refusal("SANDBOX_BRIDGE", "tool calls take an id and JSON arguments");
    const ticket = this.nextTicket++;
    this.inFlight++;
    void this.answer(id, argsJson).then((json) => {
      this.inFlight--;
      if (!this.finished) delivery.send(ticket, json);
    });
    return ticket;
  }

  /** True when nothing of the run can resume: no call unanswered, no timer pending. */
  quiet(): boolean {
    return this.inFlight === 0 && this.timers.size === 0;
  }

  /** Always resolves to `{value}` or `{error}` JSON. */
  private async answer(id: string, argsJson: string): Promise<string> {
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
      if (this.shapes) record.shape = inferSchema(value);
      if (this.keepResults) record.value = value;
      return json;
    } catch (error) {
      record.durationMs = Math.round((performance.now() - started) * 100) / 100;
      const coded = asCodedError(error, "TOOL_FAILED");
      record.error = { code: coded.code, message: coded.message };
      return JSON.stringify({ error: coded.toJSON() });
    }
  }

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

  /** `setTimeout` inside the isolate: a ticket delivered when it fires, clamped to the run's deadline. */
  timer(ms: unknown, delivery: Delivery): number {
    const ticket = this.nextTicket++;
    if (this.finished) return ticket;
    const wait = Math.min(Math.max(Number(ms) || 0, 0), Math.max(this.deadline - Date.now(), 0));
    const handle = setTimeout(() => {
      this.timers.delete(ticket);
      delivery.send(ticket, "null");
    }, wait);
    this.timers.set(ticket, handle);
    return ticket;
  }

  clear(ticket: unknown): void {
    clearTimeout(this.timers.get(ticket as number));
    this.timers.delete(ticket as number);
  }

  finish(): void {
    this.finished = true;
    for (const handle of this.timers.values()) clearTimeout(handle);
    this.timers.clear();
  }
}

/** The bridge ids of ctx.memory's two calls (realm-source.ts makes them). */
const MEMORY_HAS = "$memory.has";
const MEMORY_ADD = "$memory.add";

function refusal(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}
