import type { Redis } from "ioredis";
import { RedisScript } from "../redis/script.ts";
import type { UiBlock } from "../ui/message.ts";
import type { MessageRef, ThreadRef } from "../ui/surface.ts";

export type RunStatus = "queued" | "listing" | "running" | "completed" | "stopped" | "failed";

export interface RunSnapshot {
  runId: string;
  skill: string;
  version: number;
  params: Record<string, unknown>;
  requester: string;
  thread?: ThreadRef | undefined;
  messageRef?: MessageRef | undefined;
  status: RunStatus;
  /** -1 until items() has listed the work. */
  total: number;
  done: number;
  skipped: number;
  failed: number;
  drift: number;
  startedAt: number;
  finishedAt?: number | undefined;
  error?: string | undefined;
  lastErrors: string[];
  ratePerSecond: number;
  etaSeconds: number | null;
}

export type Outcome = "done" | "skipped" | "failed";

/** Marks the run completed when every listed item is counted (and nobody did it yet): returns 2 then. */
const COMPLETE_IF_DONE = `
local v = redis.call("HMGET", KEYS[1], "total", "done", "skipped", "failed", "finishedAt")
local total = tonumber(v[1] or "-1")
if total >= 0 and not v[5] and tonumber(v[2] or "0") + tonumber(v[3] or "0") + tonumber(v[4] or "0") >= total then
  redis.call("HSET", KEYS[1], "finishedAt", ARGV[1], "status", "completed")
  return 2
end
return 1`;

/**
 * Counts an item once, whichever worker process finishes it and however often it is retried; in the
 * same step records its error, puts a done key in the skill's dedup memory, and completes the run when
 * it was the last item. 0 = counted before, 1 = counted, 2 = counted and the run completed.
 */
const FINISH_ITEM = new RedisScript(`
if redis.call("SADD", KEYS[2], ARGV[2]) == 0 then return 0 end
redis.call("HINCRBY", KEYS[1], ARGV[3], 1)
if ARGV[4] ~= "" then
  redis.call("LPUSH", KEYS[3], ARGV[4])
  redis.call("LTRIM", KEYS[3], 0, 9)
end
-- KEYS[4] is KEYS[2] when the skill keeps no dedup memory.
if ARGV[3] == "done" and KEYS[4] ~= KEYS[2] then redis.call("SADD", KEYS[4], ARGV[2]) end
${COMPLETE_IF_DONE}`);

const CHECK_DONE = new RedisScript(COMPLETE_IF_DONE);

/** Counts keys skipped at listing (already in the dedup memory), each once. */
const SKIP_ITEMS = new RedisScript(`
local added = redis.call("SADD", KEYS[2], unpack(ARGV))
if added > 0 then redis.call("HINCRBY", KEYS[1], "skipped", added) end
return added`);

export type FinishResult = "counted-before" | "counted" | "completed";
const FINISH_RESULTS: readonly FinishResult[] = ["counted-before", "counted", "completed"];

/** Progress of runs in Redis hashes: any number of worker processes share the counters. */
export class RunProgress {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(runId: string): string {
    return `${this.prefix}:run:${runId}`;
  }

  async create(run: { runId: string; skill: string; version: number; params: Record<string, unknown>; requester: string; thread?: ThreadRef | undefined }): Promise<boolean> {
    const created = await this.redis.hsetnx(this.key(run.runId), "skill", run.skill);
    if (created === 0) return false;
    await this.redis.hset(this.key(run.runId), {
      version: String(run.version),
      params: JSON.stringify(run.params),
      requester: run.requester,
      thread: run.thread ? JSON.stringify(run.thread) : "",
      status: "queued",
      total: "-1",
      done: "0",
      skipped: "0",
      failed: "0",
      drift: "0",
      startedAt: String(Date.now()),
    });
    await this.redis.zadd(`${this.prefix}:runs`, Date.now(), run.runId);
    return true;
  }

  async set(runId: string, fields: Record<string, string>): Promise<void> {
    await this.redis.hset(this.key(runId), fields);
  }

  /**
   * Records an item's outcome once (a retried or replayed job is not counted again); a done item's key
   * also goes into `memoryKey` (the skill's dedup memory) when given. "completed" goes to exactly one
   * caller: the one that finished the run's last item.
   */
  async finishItem(runId: string, itemKey: string, outcome: Outcome, options: { error?: string | undefined; memoryKey?: string | undefined } = {}): Promise<FinishResult> {
    const key = this.key(runId);
    const keys = [key, `${key}:finished`, `${key}:errors`, options.memoryKey ?? `${key}:finished`];
    const error = options.error === undefined ? "" : `${itemKey}: ${options.error}`.slice(0, 500);
    const result = Number(await FINISH_ITEM.run(this.redis, keys, [Date.now(), itemKey, outcome, error]));
    return FINISH_RESULTS[result] ?? "counted";
  }

  /** Counts items skipped before they were enqueued (their keys are in the dedup memory). */
  async skipItems(runId: string, itemKeys: readonly string[]): Promise<void> {
    const key = this.key(runId);
    // unpack() is bounded by Lua's stack; 1,000 keys per call stay well inside it.
    for (let start = 0; start < itemKeys.length; start += 1000) await SKIP_ITEMS.run(this.redis, [key, `${key}:finished`], itemKeys.slice(start, start + 1000));
  }

  /** Completes the run when nothing is left to count (e.g. every item was skipped); true for the caller that did. */
  async completeIfDone(runId: string): Promise<boolean> {
    return Number(await CHECK_DONE.run(this.redis, [this.key(runId)], [Date.now()])) === 2;
  }

  /** The run's status alone: read before each item, so a stopped run stops fast. */
  async status(runId: string): Promise<RunStatus | undefined> {
    return ((await this.redis.hget(this.key(runId), "status")) ?? undefined) as RunStatus | undefined;
  }

  async incrementDrift(runId: string): Promise<number> {
    return this.redis.hincrby(this.key(runId), "drift", 1);
  }

  /** Marks the run finished once; true for the caller that did it (it posts the summary). */
  async markFinished(runId: string, status: RunStatus): Promise<boolean> {
    const first = (await this.redis.hsetnx(this.key(runId), "finishedAt", String(Date.now()))) === 1;
    if (first) await this.redis.hset(this.key(runId), "status", status);
    return first;
  }

  async recent(limit = 10): Promise<string[]> {
    return this.redis.zrevrange(`${this.prefix}:runs`, 0, limit - 1);
  }

  async snapshot(runId: string): Promise<RunSnapshot | undefined> {
    const hash = await this.redis.hgetall(this.key(runId));
    if (hash.skill === undefined) return undefined;
    const errors = await this.redis.lrange(`${this.key(runId)}:errors`, 0, 9);
    const n = (field: string) => Number(hash[field] ?? 0);
    const startedAt = n("startedAt");
    const finishedAt = hash.finishedAt !== undefined ? Number(hash.finishedAt) : undefined;
    const finished = n("done") + n("skipped") + n("failed");
    const elapsed = Math.max(((finishedAt ?? Date.now()) - startedAt) / 1000, 0.001);
    const rate = finished / elapsed;
    const total = n("total");
    return {
      runId,
      skill: hash.skill,
      version: n("version"),
      params: JSON.parse(hash.params ?? "{}") as Record<string, unknown>,
      requester: hash.requester ?? "",
      thread: hash.thread ? (JSON.parse(hash.thread) as ThreadRef) : undefined,
      messageRef: hash.messageRef ? (JSON.parse(hash.messageRef) as MessageRef) : undefined,
      status: (hash.status ?? "queued") as RunStatus,
      total,
      done: n("done"),
      skipped: n("skipped"),
      failed: n("failed"),
      drift: n("drift"),
      startedAt,
      finishedAt,
      error: hash.error || undefined,
      lastErrors: errors,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: total < 0 || rate === 0 || finishedAt !== undefined ? null : Math.max(0, (total - finished) / rate),
    };
  }
}

export function progressBlock(run: RunSnapshot): UiBlock {
  return { type: "progress", done: run.done, skipped: run.skipped, failed: run.failed, total: Math.max(run.total, 0), ratePerSecond: run.ratePerSecond, etaSeconds: run.etaSeconds };
}

export function summaryText(run: RunSnapshot): string {
  const seconds = ((run.finishedAt ?? Date.now()) - run.startedAt) / 1000;
  const head =
    run.status === "stopped"
      ? `Run ${run.runId} of ${run.skill} v${run.version} stopped: ${run.error ?? "stopped"}.`
      : run.status === "failed"
        ? `Run ${run.runId} of ${run.skill} v${run.version} failed: ${run.error ?? "failed"}.`
        : `Run ${run.runId} of ${run.skill} v${run.version} finished in ${seconds.toFixed(1)} s.`;
  const counts = `${run.done} done, ${run.skipped} skipped, ${run.failed} failed of ${Math.max(run.total, 0)}.`;
  const errors = run.lastErrors.length > 0 ? `\nLast errors:\n${run.lastErrors.slice(0, 3).map((e) => `• ${e}`).join("\n")}` : "";
  return `${head} ${counts}${errors}`;
}
