import type { z } from "zod";
import { userError } from "./errors.ts";

/** One line naming the field, the value found and what is allowed, for config and payload errors. */
export function describeZodIssue(
  issue: z.core.$ZodIssue | undefined,
  input: unknown,
  fieldNames?: Record<string, string>,
): string {
  if (issue === undefined) return "invalid value";
  const path = issue.path.map(String).join(".");
  const field = fieldNames?.[path] ?? (path || "(root)");
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? "missing" : (JSON.stringify(value)?.slice(0, 80) ?? String(value));
  return `${field} = ${shown}: ${issue.message}`;
}

/** The value at a path of keys inside a parsed JSON value; undefined where the path leaves it. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Model-given arguments are untrusted: parse them, and say in one line what was wrong. */
export function parseArgs<T>(schema: z.ZodType<T>, raw: unknown, tool: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw userError("META_TOOL_BAD_ARGS", `${tool}: ${describeZodIssue(parsed.error.issues[0], raw)}`);
  return parsed.data;
}
