import { z } from "zod";
import { typeOf } from "../discovery/declarations.ts";
import { CodedError, userError } from "../errors.ts";
import { mergeSchemas } from "../sandbox/shape.ts";
import type { SandboxTools, ToolCallRecord } from "../sandbox/types.ts";
import type { UiBlock } from "../ui/message.ts";
import type { AgentDeps } from "./deps.ts";
import type { SessionState } from "./session.ts";

export const executeCodeArgs = z.object({ code: z.string().min(1, { error: "code is empty" }) }).strict();

const SAMPLE_RECORDS = 5;
const SAMPLE_CHARS = 1800;

/**
 * execute_code: a probe. Runs in the sandbox with the loaded tools, read-only ones only (a write is
 * refused with a message the model can read), records every result's shape as the locked schema,
 * and posts the code and raw samples to the thread.
 */
export async function executeCode(
  deps: AgentDeps,
  session: SessionState,
  code: string,
): Promise<{ content: string; blocks: UiBlock[] }> {
  const tools: SandboxTools = {
    ids: session.loaded,
    call: async (id, args) => {
      const entry = deps.catalog.get(id);
      if (entry === undefined) throw userError("TOOL_NOT_LOADED", `${id} is not in the registry any more`);
      if (!entry.readOnly) {
        throw new CodedError(
          "PROBE_WRITE_REFUSED",
          `${id} changes data (${entry.destructive ? "destructive" : "writes"}): probes may call read-only tools only. It can run in the skill once a person approves it.`,
          { family: "user", retryable: false },
        );
      }
      return deps.tools.call(id, args);
    },
  };
  const result = await deps.sandbox.run(code, {
    tools,
    filename: "probe.ts",
    keepResults: true,
    limits: { timeoutMs: deps.limits.probeTimeoutMs, maxOutputChars: 8000 },
  });
  const locked = lockSchemas(session, result.calls);
  const blocks: UiBlock[] = [{ type: "code", language: "typescript", source: code, collapsed: true, title: "Probe" }];
  for (const call of firstSuccessPerTool(result.calls)) {
    const sample = sampleOf(call.value);
    blocks.push({ type: "sample", toolId: call.id, json: sample.json, truncated: sample.truncated, note: sample.note });
  }
  const lines = [`stdout:\n${result.output || "(nothing printed)"}`];
  if (!result.ok) lines.push(`error: ${result.error?.code}: ${result.error?.message}`);
  for (const call of result.calls.filter((c) => !c.ok))
    lines.push(`call ${call.id} failed: ${call.error?.code}: ${call.error?.message}`);
  for (const id of locked) lines.push(`locked output schema of ${id}: ${compactType(session.locks[id])}`);
  return { content: lines.join("\n"), blocks };
}

function lockSchemas(session: SessionState, calls: ToolCallRecord[]): string[] {
  const locked = new Set<string>();
  for (const call of calls) {
    if (!call.ok || call.shape === undefined) continue;
    const previous = session.locks[call.id];
    session.locks[call.id] = previous === undefined ? call.shape : mergeSchemas(previous, call.shape);
    locked.add(call.id);
    const { items, more } = countItems(call.value);
    session.probes.push({ toolId: call.id, items, more });
  }
  return [...locked];
}

function countItems(value: unknown): { items: number; more: boolean } {
  if (Array.isArray(value)) return { items: value.length, more: false };
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const list = Array.isArray(record.value) ? record.value : Array.isArray(record.items) ? record.items : undefined;
    const more =
      typeof record["@odata.nextLink"] === "string" ||
      typeof record.nextCursor === "string" ||
      typeof record.next_page_token === "string";
    return { items: list?.length ?? 0, more };
  }
  return { items: 0, more: false };
}

function firstSuccessPerTool(calls: ToolCallRecord[]): ToolCallRecord[] {
  const seen = new Set<string>();
  const out: ToolCallRecord[] = [];
  for (const call of calls) {
    if (!call.ok || seen.has(call.id)) continue;
    seen.add(call.id);
    out.push(call);
  }
  return out;
}

/** A few records of a result, raw, for the thread: Graph envelopes keep their shape with `value` cut to 5. */
export function sampleOf(value: unknown): { json: string; truncated: boolean; note?: string } {
  let shown = value;
  let note: string | undefined;
  if (Array.isArray(value) && value.length > SAMPLE_RECORDS) {
    shown = value.slice(0, SAMPLE_RECORDS);
    note = `first ${SAMPLE_RECORDS} of ${value.length}`;
  } else if (typeof value === "object" && value !== null && Array.isArray((value as { value?: unknown }).value)) {
    const list = (value as { value: unknown[] }).value;
    if (list.length > SAMPLE_RECORDS) {
      shown = { ...(value as object), value: list.slice(0, SAMPLE_RECORDS) };
      note = `first ${SAMPLE_RECORDS} of ${list.length} in value`;
    }
  }
  const json = JSON.stringify(shown, null, 2) ?? "undefined";
  return json.length > SAMPLE_CHARS
    ? { json: json.slice(0, SAMPLE_CHARS), truncated: true, ...(note ? { note } : {}) }
    : { json, truncated: false, ...(note ? { note } : {}) };
}

function compactType(schema: unknown): string {
  return typeOf(schema as Parameters<typeof typeOf>[0], "", 0)
    .replace(/\s+/g, " ")
    .slice(0, 600);
}
