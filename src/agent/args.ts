import type { z } from "zod";
import { userError } from "../errors.ts";
import { describeZodIssue } from "../zod-issue.ts";

/** Model-given arguments are untrusted: parse them, and say in one line what was wrong. */
export function parseArgs<T>(schema: z.ZodType<T>, raw: unknown, tool: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw userError("META_TOOL_BAD_ARGS", `${tool}: ${describeZodIssue(parsed.error.issues[0], raw)}`);
  return parsed.data;
}
