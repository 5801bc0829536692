import type { JsonSchema } from "../json-schema.ts";

/** Resource limits for one sandbox run. */
export interface SandboxLimits {
  /** Wall-clock limit for the whole run, awaits included. Default: 30,000 ms. */
  timeoutMs: number;
  /** V8 heap limit of the isolate. Default: 128 MB (isolated-vm's minimum is 8). */
  memoryMb: number;
  /** Console output kept, split between head and tail. Default: 16,000 characters. */
  maxOutputChars: number;
  /** Tool calls allowed in one run. Default: 10,000. */
  maxToolCalls: number;
  /** Largest JSON a single tool result or the run's return value may be. Default: 5,000,000 characters. */
  maxResultChars: number;
}

/** What the sandbox needs of the tool layer: a set of callable ids and one way to call them. */
export interface SandboxTools {
  /** Ids the code may call as `tools.<id>(args)`; anything else is refused by the host. */
  readonly ids: readonly string[];
  call(id: string, args: unknown): Promise<unknown>;
}

export interface ToolCallRecord {
  id: string;
  args: unknown;
  durationMs: number;
  ok: boolean;
  /** JSON Schema inferred from the result, when the call succeeded. */
  shape?: JsonSchema | undefined;
  /** The result itself, only with `keepResults` (probes show samples of it). */
  value?: unknown;
  error?: SandboxErrorInfo | undefined;
}

export interface SandboxErrorInfo {
  code: string;
  message: string;
  /** Whether trying again can help: a tool's 503 may pass, a missing export never will. */
  retryable?: boolean | undefined;
}

export interface SandboxResult {
  ok: boolean;
  /** Console output, truncated to head + marker + tail when longer than the limit. */
  output: string;
  /** The value the code returned (JSON-safe), when it returned one. */
  value?: unknown;
  calls: ToolCallRecord[];
  durationMs: number;
  error?: SandboxErrorInfo | undefined;
}

/** A skill's dedup memory as the sandbox sees it (ctx.memory). */
export interface SandboxMemory {
  has(key: string): Promise<boolean>;
  add(key: string): Promise<void>;
}

export interface SandboxRunOptions {
  /**
   * Treat the code as a skill module and call this export with these arguments followed by `ctx`
   * ({tools, memory, log}). Without it the code is a script (top-level await, `return` allowed).
   */
  entry?: { name: string; args: unknown[] } | undefined;
  /** Keep each tool result on its call record. Default: false (only its shape). */
  keepResults?: boolean | undefined;
  /** Infer each result's shape onto its call record (probes lock them). Default: true; item runs skip it. */
  shapes?: boolean | undefined;
  /** Backs ctx.memory in module runs. Default: none (ctx.memory calls fail). */
  memory?: SandboxMemory | undefined;
  tools?: SandboxTools | undefined;
  limits?: Partial<SandboxLimits> | undefined;
  /** Shown in stack traces. Default: "probe.ts". */
  filename?: string | undefined;
}

/** The boundary the agent and the runtime use; tests pass the real isolated-vm one. */
export interface SandboxExecutor {
  run(code: string, options?: SandboxRunOptions): Promise<SandboxResult>;
}
