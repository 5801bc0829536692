import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { asCodedError } from "../errors.ts";
import type { Logger } from "../ops/logger.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import type { SkillStore } from "../skills/store.ts";
import { type User, userKey } from "../ui/user.ts";
import type { RunEndings } from "./run-endings.ts";
import { outcomeOf, outcomeText, type RunOutcome, waitForRun } from "./skill-call.ts";
import { RUN_STATUS, RUN_STATUS_TOOL, skillTool } from "./tools.ts";

/** The version every codemem MCP server reports. */
const SERVER_INFO = { name: "codemem", version: "1.0.0" };

export interface SkillServerDeps {
  skills: SkillStore;
  /** Where calls run: the same runs queue and workers as /codemem run. */
  runtime: SkillRuntime;
  /** Whom calls run as: the identity the token is configured for (its limits, its name on the runs). */
  caller: User;
  /** How long a call waits for its run before it returns the run as it stands. */
  waitMs: number;
  /** Runs' ends as published, so a call returns the moment its run ends. Default: it polls. */
  endings?: RunEndings | undefined;
  log: Logger;
}

/**
 * One MCP server (one per client session): every approved skill is a tool, plus the run status tool.
 * A call enqueues a run of the skill's current version exactly as `/codemem run` does (params checked,
 * the caller's run limits), waits for it with progress notifications when the client asked for them,
 * and returns its outcome as structured content with a text rendering. A refusal (unknown skill, bad
 * params, a limit) is a tool error the calling model can read and act on.
 */
export function createSkillServer(deps: SkillServerDeps): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: { listChanged: true } },
    instructions:
      "Each tool is a skill approved by people in chat: tested code that runs item by item on codemem's workers. Calls return the run's outcome; codemem_run_status reads a run that was still going.",
  });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: await listTools(deps) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = request.params.arguments ?? {};
    try {
      if (name === RUN_STATUS_TOOL) {
        const runId = typeof args.runId === "string" ? args.runId : "";
        const run = await deps.runtime.status(runId);
        if (run === undefined) return refusal(`there is no run "${runId}" (runs are kept for a while, then dropped)`);
        return result(outcomeOf(run, await deps.runtime.progress.outcomes(runId)));
      }
      const { runId } = await deps.runtime.enqueueRun({
        skill: name,
        params: args,
        requester: userKey(deps.caller),
      });
      deps.log.info({ run: runId, skill: name, caller: userKey(deps.caller) }, "skill called over MCP");
      const progressToken = request.params._meta?.progressToken;
      const outcome = await waitForRun(deps.runtime, runId, {
        waitMs: deps.waitMs,
        signal: extra.signal,
        endings: deps.endings,
        onProgress:
          progressToken === undefined
            ? undefined
            : (progress, total) =>
                extra.sendNotification({
                  method: "notifications/progress",
                  params: {
                    progressToken,
                    progress,
                    ...(total === undefined ? {} : { total }),
                    message: `${progress}${total === undefined ? "" : `/${total}`} items`,
                  },
                }),
      });
      return result(outcome);
    } catch (error) {
      const coded = asCodedError(error);
      if (coded.family === "user") return refusal(coded.message);
      deps.log.error({ skill: name, err: coded.message }, "an MCP call failed");
      return refusal(`that failed on codemem's side (${coded.code}: ${coded.message})`);
    }
  });
  return server;
}

/** Every skill's latest version as a tool; one this release cannot read is left out (and logged). */
async function listTools(deps: SkillServerDeps): Promise<Tool[]> {
  const tools: Tool[] = [];
  for (const name of await deps.skills.names()) {
    try {
      const skill = await deps.skills.latest(name);
      if (skill !== undefined) tools.push(skillTool(skill));
    } catch (error) {
      deps.log.warn({ skill: name, err: (error as Error).message }, "a skill left out of the MCP tools");
    }
  }
  return [...tools, RUN_STATUS];
}

function result(outcome: RunOutcome): CallToolResult {
  const failed = outcome.finished && outcome.status !== "completed";
  return {
    content: [{ type: "text", text: outcomeText(outcome) }],
    structuredContent: outcome,
    ...(failed ? { isError: true } : {}),
  };
}

function refusal(line: string): CallToolResult {
  return { content: [{ type: "text", text: line }], isError: true };
}
