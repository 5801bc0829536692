export { DEFAULT_SANDBOX_LIMITS, IsolatedSandbox } from "./runner.ts";
export type { IsolatedSandboxOptions } from "./runner.ts";
export { inferSchema, mergeSchemas } from "./shape.ts";
export type { JsonSchema } from "./shape.ts";
export { referencedToolIds } from "./referenced-tools.ts";
export { moduleExports, transpileModule, transpileScript } from "./transpile.ts";
export type {
  SandboxErrorInfo,
  SandboxExecutor,
  SandboxLimits,
  SandboxMemory,
  SandboxResult,
  SandboxRunOptions,
  SandboxTools,
  ToolCallRecord,
} from "./types.ts";
