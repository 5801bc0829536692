import type { ToolCaller } from "../mcp/types.ts";
import type { AuditLog } from "../ops/audit.ts";
import type { Logger } from "../ops/logger.ts";
import type { Metrics } from "../ops/metrics.ts";
import type { RedisClient } from "../redis/client.ts";
import type { SandboxExecutor } from "../sandbox/types.ts";
import type { SkillRecord, SkillStore } from "../skills/store.ts";
import type { AppLimiter } from "./app-limiter.ts";
import { DedupMemory } from "./dedup-memory.ts";
import { ItemTools } from "./item-tools.ts";
import type { RunKeys } from "./keys.ts";
import type { RunObserver } from "./observer.ts";
import type { RunProgress } from "./progress.ts";
import type { RunCache } from "./run-cache.ts";
import type { ScheduleHealth } from "./schedule-health.ts";
import type { SkillFacts } from "./skill-facts.ts";

/** The runtime's settings with their defaults filled in (SkillRuntimeOptions documents each). */
export interface RuntimeSettings {
  itemConcurrency: number;
  itemAttempts: number;
  driftThreshold: number;
  itemTimeoutMs: number;
  listTimeoutMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  rateLimitWaitBudgetMs: number;
  journalTtlSeconds: number;
}

/** What the runtime's rooms (listing, items, the end of a run) share; made once by SkillRuntime. */
export interface RuntimeParts {
  redis: RedisClient;
  keys: RunKeys;
  skills: SkillStore;
  tools: ToolCaller;
  sandbox: SandboxExecutor;
  progress: RunProgress;
  cache: RunCache;
  facts: SkillFacts;
  limiter: AppLimiter;
  observer: RunObserver;
  scheduleHealth: ScheduleHealth;
  settings: RuntimeSettings;
  audit: AuditLog | undefined;
  metrics: Metrics | undefined;
  log: Logger;
}

/** The skill's dedup memory (also what its code sees as ctx.memory), when it keeps one. */
export function memoryOf(parts: RuntimeParts, skill: SkillRecord): DedupMemory | undefined {
  return skill.memory ? new DedupMemory(parts.redis, parts.keys.memory(skill.name)) : undefined;
}

/**
 * The tools one item's (or a listing's) code sees; `handBacks` doubles the 429 wait budget per earlier
 * hand-back, `firstAttempt` spares reading a journal nobody wrote yet.
 */
export function itemToolsOf(
  parts: RuntimeParts,
  skill: SkillRecord,
  runId: string,
  itemKey: string,
  handBacks = 0,
  firstAttempt = false,
): ItemTools {
  return new ItemTools(
    {
      tools: parts.tools,
      limiter: parts.limiter,
      redis: parts.redis,
      keys: parts.keys,
      facts: parts.facts,
      waitBudgetMs: parts.settings.rateLimitWaitBudgetMs * 2 ** Math.min(handBacks, 10),
      firstAttempt,
      journalTtlSeconds: parts.settings.journalTtlSeconds,
    },
    skill,
    runId,
    itemKey,
  );
}
