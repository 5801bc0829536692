import { Redis } from "ioredis";
import { inject } from "vitest";
import { AgentTurn, type TurnInput } from "../../src/agent/agent.ts";
import { DEFAULT_AGENT_LIMITS, type AgentDeps, type AgentLimits } from "../../src/agent/deps.ts";
import { newSession, type SessionState } from "../../src/agent/session.ts";
import { ToolCatalog } from "../../src/discovery/catalog.ts";
import { Discovery } from "../../src/discovery/meta-tools.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { McpPool } from "../../src/mcp/pool.ts";
import { createOpenAiClient } from "../../src/model/client.ts";
import {
  startLocalOpenAiServer,
  type ModelScript,
  type RunningLocalOpenAi,
} from "../../src/model/local-openai-server.ts";
import { IsolatedSandbox } from "../../src/sandbox/runner.ts";
import { SkillStore } from "../../src/skills/store.ts";
import { Policy } from "../../src/core/policy.ts";
import type { User } from "../../src/ui/user.ts";
import { demoConfig, tempStateDir } from "./demo.ts";
import { RecordingSurface } from "./recording-surface.ts";

export interface AgentHarness {
  deps: AgentDeps;
  /** The suite's Redis, for tests that keep sessions there. */
  redis: Redis;
  model: RunningLocalOpenAi;
  surface: RecordingSurface;
  stateDir: string;
  session: SessionState;
  turn(input: TurnInput): Promise<void>;
  close(): Promise<void>;
}

/** A session driven by a scripted model through the real openai client, real demo servers and sandbox. */
export async function agentHarness(
  script: ModelScript,
  options: {
    limits?: Partial<AgentLimits> /** Platform-qualified, e.g. test:boss. */;
    approvers?: string[];
    pool?: McpPool;
    mailboxSize?: number;
  } = {},
): Promise<AgentHarness> {
  const state = tempStateDir();
  const model = await startLocalOpenAiServer({ script });
  const pool = options.pool ?? new McpPool({ config: demoConfig(state.dir, {}, options.mailboxSize ?? 60) });
  const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 2 });
  const catalog = new ToolCatalog();
  await catalog.follow(pool);
  const surface = new RecordingSurface();
  const deps: AgentDeps = {
    model: createOpenAiClient({ baseUrl: model.baseUrl, maxRetries: 2 }),
    modelName: "scripted",
    catalog,
    discovery: new Discovery({ catalog, search: new ToolSearch({ catalog }) }),
    tools: pool,
    sandbox: new IsolatedSandbox(),
    surface,
    skills: new SkillStore(redis, `test${process.pid}x${Date.now()}`),
    limits: { ...DEFAULT_AGENT_LIMITS, ...options.limits },
    policy: new Policy({ approvers: options.approvers ?? [] }),
  };
  const session = newSession(`s-${Date.now()}`, { platform: "test", channel: "c", thread: "t" }, testUser("ana"));
  return {
    deps,
    redis,
    model,
    surface,
    stateDir: state.dir,
    session,
    turn: (input) => new AgentTurn(deps, session, async () => {}).run(input),
    close: async () => {
      await pool.close();
      await model.close();
      redis.disconnect();
      state.cleanup();
    },
  };
}

/** A person of the test platform, shown by name. */
export const testUser = (name: string): User => ({ platform: "test", id: name, name });

/** The tool results the model received, newest last. */
export function toolResults(session: SessionState): string[] {
  return session.messages.filter((message) => message.role === "tool").map((message) => String(message.content));
}
