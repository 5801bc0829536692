import type { RedisClient } from "../redis/client.ts";
import { CodedError, asCodedError, userError } from "../errors.ts";
import { IDEMPOTENCY_META_KEY, type ToolCaller } from "../mcp/types.ts";
import type { SandboxTools } from "../sandbox/types.ts";
import type { SkillRecord, SkillTool } from "../skills/store.ts";
import type { AppLimiter } from "./app-limiter.ts";
import { findDrift } from "./drift.ts";
import { WriteJournal } from "./journal.ts";
import type { RunKeys } from "./keys.ts";
import type { SkillFacts } from "./skill-facts.ts";

export interface ItemToolsContext {
  tools: ToolCaller;
  limiter: AppLimiter;
  redis: RedisClient;
  keys: RunKeys;
  facts: SkillFacts;
  /** How long the item may sit out 429s in place before it goes back to the queue. */
  waitBudgetMs: number;
  /** No attempt of this item started before (BullMQ's attemptsStarted is 1): its journal is empty. */
  firstAttempt: boolean;
  /** How long a journal outlives its last write. */
  journalTtlSeconds: number;
}

/**
 * The tools one item's code sees: only the skill's approved tools; reads checked against the schemas
 * locked at approval; the n-th write carries the idempotency key `run/key/n` and is journaled, so a
 * retried item replays it instead of repeating the effect; 429s sat out in place up to a budget.
 * A class, not closures: one is made per item, and named closures cost more than the rest of it.
 */
export class ItemTools implements SandboxTools {
  readonly ids: readonly string[];
  /** Set when the item gave up on 429s: how long the server asked to wait. */
  rateLimitedMs: number | undefined;
  /** Set when a read no longer matched its locked schema: which tool and path. */
  drift: string | undefined;
  private readonly access: ReadonlyMap<string, SkillTool>;
  private callIndex = 0;
  private waitedMs = 0;
  private journal: WriteJournal | undefined;

  constructor(
    private readonly context: ItemToolsContext,
    private readonly skill: SkillRecord,
    private readonly runId: string,
    private readonly itemKey: string,
  ) {
    this.access = context.facts.toolsById(skill);
    this.ids = context.facts.toolIds(skill);
  }

  async call(id: string, args: unknown): Promise<unknown> {
    const tool = this.access.get(id);
    if (tool === undefined) throw userError("TOOL_NOT_LOADED", `${this.skill.name} was approved without ${id}`);
    const n = tool.access === "read-only" ? -1 : this.callIndex++;
    const app = id.slice(0, id.indexOf("__"));
    // A 429 pauses that app for every process; short waits are sat out right here, so an item does
    // not start over for a blip; a long one goes back to the queue, which BullMQ then pauses.
    for (;;) {
      await this.context.limiter.acquire(app);
      try {
        return n < 0 ? await this.read(id, args, tool.schema) : await this.write(id, args, n);
      } catch (error) {
        const coded = asCodedError(error);
        if (coded.code !== "MCP_RATE_LIMITED") throw coded;
        const retryAfterMs = coded.retryAfterMs ?? 1000;
        await this.context.limiter.pause(app, retryAfterMs);
        const wait = retryAfterMs + Math.random() * 50;
        if (this.waitedMs + wait > this.context.waitBudgetMs) {
          this.rateLimitedMs = retryAfterMs;
          throw coded;
        }
        this.waitedMs += wait;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async read(id: string, args: unknown, schema: SkillTool["schema"]): Promise<unknown> {
    const value = await this.context.tools.call(id, args);
    const changed = findDrift(schema, value);
    if (changed !== undefined) {
      this.drift = `${id}: ${changed}`;
      throw new CodedError("SCHEMA_DRIFT", `${id} no longer returns the locked shape: ${changed}`, {
        retryable: false,
      });
    }
    return value;
  }

  private async write(id: string, args: unknown, n: number): Promise<unknown> {
    this.journal ??= new WriteJournal(
      this.context.redis,
      this.context.keys.journal(this.runId, this.itemKey),
      this.context.firstAttempt,
      this.context.journalTtlSeconds,
    );
    const call = { tool: id, args };
    const journaled = await this.journal.replay(n, call);
    if (journaled !== undefined) return journaled.value;
    const value = await this.context.tools.call(id, args, {
      meta: { [IDEMPOTENCY_META_KEY]: `${this.runId}/${this.itemKey}/${n}` },
    });
    await this.journal.record(n, call, value);
    return value;
  }
}
