import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { JsonSchema } from "../json-schema.ts";
import type { SkillRecord } from "../skills/store.ts";

/** The tool that reads a run's state (a call that returned before its run ended names the run). */
export const RUN_STATUS_TOOL = "codemem_run_status";

/** What a call returns as `structuredContent`: the run's outcome, as the tools' `outputSchema` says. */
export const RUN_OUTCOME_SCHEMA = {
  type: "object",
  properties: {
    runId: { type: "string" },
    skill: { type: "string" },
    version: { type: "integer" },
    status: { type: "string", enum: ["queued", "listing", "running", "completed", "stopped", "failed"] },
    finished: { type: "boolean", description: "false when the call returned before the run ended" },
    total: { type: "integer", description: "items listed; -1 before the listing" },
    done: { type: "integer" },
    skipped: { type: "integer" },
    failed: { type: "integer" },
    durationMs: { type: "integer" },
    error: { type: "string" },
    failures: { type: "array", items: { type: "string" }, description: "the last item errors" },
    items: {
      type: "array",
      description: "the first items' outcomes (at most 50)",
      items: {
        type: "object",
        properties: {
          key: { type: "string" },
          outcome: { type: "string", enum: ["done", "skipped", "failed"] },
          error: { type: "string" },
        },
        required: ["key", "outcome"],
      },
    },
  },
  required: ["runId", "skill", "version", "status", "finished", "total", "done", "skipped", "failed", "durationMs"],
} as const satisfies JsonSchema;

/**
 * An approved skill as an MCP tool: its name, description and params, and hints from the tools it was
 * approved with (read-only when all are, destructive when any is). Its result is the run's outcome.
 */
export function skillTool(skill: SkillRecord): Tool {
  const readOnly = skill.tools.every((tool) => tool.access === "read-only");
  const destructive = skill.tools.some((tool) => tool.access === "destructive");
  return {
    name: skill.name,
    title: skill.name.replaceAll("-", " "),
    description: `${skill.description} (codemem skill v${skill.version}: runs on codemem's workers, item by item, and returns the run's outcome)`,
    inputSchema: { ...(skill.params as Tool["inputSchema"]), type: "object" },
    outputSchema: RUN_OUTCOME_SCHEMA as unknown as Tool["outputSchema"],
    annotations: {
      title: skill.name.replaceAll("-", " "),
      readOnlyHint: readOnly,
      destructiveHint: destructive,
      // A skill with a dedup memory skips what an earlier run did.
      idempotentHint: skill.memory,
      openWorldHint: true,
    },
  };
}

/** The run status tool: a run's outcome so far, by id. */
export const RUN_STATUS: Tool = {
  name: RUN_STATUS_TOOL,
  title: "codemem run status",
  description: "The state of a codemem run by its id (what a skill's call returned when it did not wait for the end).",
  inputSchema: {
    type: "object",
    properties: { runId: { type: "string", description: "the run's id, e.g. rmi3x9k2a1b2c3" } },
    required: ["runId"],
  },
  outputSchema: RUN_OUTCOME_SCHEMA as unknown as Tool["outputSchema"],
  annotations: { title: "codemem run status", readOnlyHint: true, destructiveHint: false, openWorldHint: false },
};
