import type { JsonSchema } from "../json-schema.ts";

export interface ToolAnnotations {
  title?: string | undefined;
  readOnlyHint?: boolean | undefined;
  destructiveHint?: boolean | undefined;
  idempotentHint?: boolean | undefined;
  openWorldHint?: boolean | undefined;
}

/** One tool of one connected server, as the rest of codemem sees it. */
export interface ToolDescriptor {
  /** `app__tool`, a valid JS identifier. */
  id: string;
  /** The app id (the server's name as an identifier). */
  app: string;
  /** The tool's own name on its server, used on the wire. */
  name: string;
  title?: string | undefined;
  description: string;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema | undefined;
  annotations: ToolAnnotations;
  /** readOnlyHint === true. */
  readOnly: boolean;
  /**
   * Whether a call may destroy or change data a person cares about. MCP's defaults apply: a tool that is
   * not read-only is destructive unless it says `destructiveHint: false`.
   */
  destructive: boolean;
}

export interface ToolCallOptions {
  /** Sent as the request's `_meta` (e.g. the idempotency key of a destructive call). */
  meta?: Record<string, unknown> | undefined;
  /** Per-call limit. Default: the pool's callTimeoutMs. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** The boundary the sandbox bridge and the runtime use to reach tools. */
export interface ToolCaller {
  call(id: string, args: unknown, options?: ToolCallOptions): Promise<unknown>;
}

/** `_meta` key for the idempotency key of a write; demo servers honour it. */
export const IDEMPOTENCY_META_KEY = "codemem/idempotencyKey";
