import type { RedisClient } from "../redis/client.ts";
import { RedisScript } from "../redis/script.ts";
import { code, rich, type UiBlock, type UiMessage } from "../ui/message.ts";
import { parseUserKey } from "../ui/user.ts";
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

/** Marks the run completed when every listed item is counted (and nobody did it yet): 2 then, else 1. */
const COMPLETE_IF_DONE = `
local function complete_if_done(now)
  local v = redis.call("HMGET", KEYS[1], "total", "done", "skipped", "failed", "finishedAt")
  local total = tonumber(v[1] or "-1")
  if total >= 0 and not v[5] and tonumber(v[2] or "0") + tonumber(v[3] or "0") + tonumber(v[4] or "0") >= total then
    redis.call("HSET", KEYS[1], "finishedAt", now, "status", "completed")
    return 2
  end
  return 1
end`;

/**
 * Counts items once each, whichever worker process finishes them and however often they are retried;
 * in the same step records their errors, puts done keys into the skill's dedup memory, and completes
 * the run when the last item is in. ARGV: now, then (key, outcome, error) per item. Returns 1 (counted)
 * or 0 (counted before) per item, then 2 when this step completed the run, else 1.
 */
const FINISH_ITEMS = new RedisScript(`${COMPLETE_IF_DONE}
local results, counts, errors = {}, {}, false
for i = 2, #ARGV, 3 do
  local key, outcome, err = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if redis.call("SADD", KEYS[2], key) == 1 then
    counts[outcome] = (counts[outcome] or 0) + 1
    if err ~= "" then
      redis.call("LPUSH", KEYS[3], err)
      errors = true
    end
    -- KEYS[4] is KEYS[2] when the skill keeps no dedup memory.
    if outcome == "done" and KEYS[4] ~= KEYS[2] then redis.call("SADD", KEYS[4], key) end
    results[#results + 1] = 1
  else
    results[#results + 1] = 0
  end
end
for outcome, n in pairs(counts) do redis.call("HINCRBY", KEYS[1], outcome, n) end
if errors then redis.call("LTRIM", KEYS[3], 0, 9) end
results[#results + 1] = complete_if_done(ARGV[1])
return results`);

const CHECK_DONE = new RedisScript(`${COMPLETE_IF_DONE}
return complete_if_done(ARGV[1])`);

/** Sets finishedAt and the final status together, once; 1 for the caller that did it. */
const MARK_FINISHED = new RedisScript(`
if redis.call("HSETNX", KEYS[1], "finishedAt", ARGV[1]) == 1 then
  redis.call("HSET", KEYS[1], "status", ARGV[2])
  return 1
end
return 0`);

/** Counts keys skipped at listing (already in the dedup memory), each once. */
const SKIP_ITEMS = new RedisScript(`
local added = redis.call("SADD", KEYS[2], unpack(ARGV))
if added > 0 then redis.call("HINCRBY", KEYS[1], "skipped", added) end
return added`);

export type FinishResult = "counted-before" | "counted" | "completed";

interface FinishBatch {
  runId: string;
  memoryKey: string | undefined;
  entries: {
    itemKey: string;
    outcome: Outcome;
    error: string;
    resolve(result: FinishResult): void;
    reject(error: unknown): void;
  }[];
}

/** Progress of runs in Redis hashes: any number of worker processes share the counters. */
export class RunProgress {
  /** Outcomes waiting for this turn's script call, by run (and memory key). */
  private readonly batches = new Map<string, FinishBatch>();

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(runId: string): string {
    return `${this.prefix}:run:${runId}`;
  }

  async create(
    run: Pick<RunSnapshot, "runId" | "skill" | "version" | "params" | "requester" | "thread">,
  ): Promise<boolean> {
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
   * caller: one whose step finished the run's last item. Items finishing in the same turn of the
   * event loop are counted in one script call.
   */
  finishItem(
    runId: string,
    itemKey: string,
    outcome: Outcome,
    options: { error?: string | undefined; memoryKey?: string | undefined } = {},
  ): Promise<FinishResult> {
    const batchKey = `${runId}\u0000${options.memoryKey ?? ""}`;
    let batch = this.batches.get(batchKey);
    if (batch === undefined) {
      batch = { runId, memoryKey: options.memoryKey, entries: [] };
      this.batches.set(batchKey, batch);
      if (this.batches.size === 1) setImmediate(() => this.flushBatches());
    }
    const error = options.error === undefined ? "" : `${itemKey}: ${options.error}`.slice(0, 500);
    const entries = batch.entries;
    return new Promise((resolve, reject) => entries.push({ itemKey, outcome, error, resolve, reject }));
  }

  private flushBatches(): void {
    const batches = [...this.batches.values()];
    this.batches.clear();
    for (const batch of batches) void this.sendBatch(batch);
  }

  private async sendBatch(batch: FinishBatch): Promise<void> {
    const key = this.key(batch.runId);
    const keys = [key, `${key}:finished`, `${key}:errors`, batch.memoryKey ?? `${key}:finished`];
    const args: (string | number)[] = [Date.now()];
    for (const entry of batch.entries) args.push(entry.itemKey, entry.outcome, entry.error);
    try {
      const results = (await FINISH_ITEMS.run(this.redis, keys, args)) as number[];
      const completed = results[results.length - 1] === 2;
      batch.entries.forEach((entry, index) => {
        entry.resolve(completed && index === 0 ? "completed" : results[index] === 1 ? "counted" : "counted-before");
      });
    } catch (error) {
      for (const entry of batch.entries) entry.reject(error);
    }
  }

  /** Counts items skipped before they were enqueued (their keys are in the dedup memory). */
  async skipItems(runId: string, itemKeys: readonly string[]): Promise<void> {
    const key = this.key(runId);
    // unpack() is bounded by Lua's stack; 1,000 keys per call stay well inside it.
    for (let start = 0; start < itemKeys.length; start += 1000)
      await SKIP_ITEMS.run(this.redis, [key, `${key}:finished`], itemKeys.slice(start, start + 1000));
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
    // One step: a reader never sees finishedAt with the status of before (a snapshot between two writes).
    return Number(await MARK_FINISHED.run(this.redis, [this.key(runId)], [Date.now(), status])) === 1;
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
  return {
    type: "progress",
    done: run.done,
    skipped: run.skipped,
    failed: run.failed,
    total: Math.max(run.total, 0),
    ratePerSecond: run.ratePerSecond,
    etaSeconds: run.etaSeconds,
  };
}

/** A run's live message: what runs, for whom, and the bar. */
export function progressMessage(run: RunSnapshot): UiMessage {
  const requester = parseUserKey(run.requester);
  const state = run.finishedAt === undefined ? "Running" : run.status === "completed" ? "Ran" : "Stopped";
  const head = rich(
    `${state} `,
    code(run.skill),
    ` v${run.version} (run `,
    code(run.runId),
    ")",
    ...(requester ? [" for ", requester] : []),
  );
  return { blocks: [head, progressBlock(run)] };
}

/** A finished run for the thread: the outcome line, and its last errors as a block of their own. */
export function summaryMessage(run: RunSnapshot): UiMessage {
  const errors = run.lastErrors.slice(0, 3);
  return {
    blocks: [
      { type: "text", text: summaryLine(run) },
      ...(errors.length > 0
        ? [{ type: "code" as const, language: "text", title: "Last errors", source: errors.join("\n") }]
        : []),
    ],
  };
}

/** The same as plain text, for the terminal. */
export function summaryText(run: RunSnapshot): string {
  const errors = run.lastErrors.length > 0 ? `\nLast errors:\n${run.lastErrors.slice(0, 3).join("\n")}` : "";
  return `${summaryLine(run)}${errors}`;
}

function summaryLine(run: RunSnapshot): string {
  const seconds = ((run.finishedAt ?? Date.now()) - run.startedAt) / 1000;
  const head =
    run.status === "stopped"
      ? `Run ${run.runId} of ${run.skill} v${run.version} stopped: ${run.error ?? "stopped"}.`
      : run.status === "failed"
        ? `Run ${run.runId} of ${run.skill} v${run.version} failed: ${run.error ?? "failed"}.`
        : `Run ${run.runId} of ${run.skill} v${run.version} finished in ${seconds.toFixed(1)} s.`;
  const counts = `${run.done} done, ${run.skipped} skipped, ${run.failed} failed of ${Math.max(run.total, 0)}.`;
  return `${head} ${counts}`;
}
