import type { RedisClient } from "../redis/client.ts";
import { luaScript } from "../redis/script.ts";
import type { Sweep, Sweeper } from "../ops/retention.ts";
import type { MessageRef, ThreadRef } from "../ui/surface.ts";
import { RunKeys } from "./keys.ts";

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
  /** The schedule whose firing this run is. */
  schedule?: string | undefined;
  ratePerSecond: number;
  etaSeconds: number | null;
}

export type Outcome = "done" | "skipped" | "failed";

/** One item of a run as its outcome shows it. */
export interface ItemOutcome {
  key: string;
  outcome: Outcome;
  error?: string | undefined;
}

const lua = (file: string) => new URL(file, import.meta.url);
const FINISH_ITEMS = luaScript(lua("./complete-if-done.lua"), lua("./finish-items.lua"));
const CHECK_DONE = luaScript(lua("./complete-if-done.lua"), lua("./check-done.lua"));
const MARK_FINISHED = luaScript(lua("./mark-finished.lua"));
const SKIP_ITEMS = luaScript(lua("./skip-items.lua"));
const CREATE_RUN = luaScript(lua("./create-run.lua"));

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

  private readonly keys: RunKeys;

  constructor(
    private readonly redis: RedisClient,
    /** The app's key prefix. */
    prefix: string,
  ) {
    this.keys = new RunKeys(prefix);
  }

  private key(runId: string): string {
    return this.keys.run(runId);
  }

  async create(
    run: Pick<RunSnapshot, "runId" | "skill" | "version" | "params" | "requester" | "thread" | "schedule">,
  ): Promise<boolean> {
    const now = Date.now();
    const fields = {
      skill: run.skill,
      version: String(run.version),
      params: JSON.stringify(run.params),
      requester: run.requester,
      thread: run.thread ? JSON.stringify(run.thread) : "",
      ...(run.schedule === undefined ? {} : { schedule: run.schedule }),
      status: "queued",
      total: "-1",
      done: "0",
      skipped: "0",
      failed: "0",
      drift: "0",
      startedAt: String(now),
    };
    const keys = [this.key(run.runId), this.keys.runs()];
    return Number(await CREATE_RUN.run(this.redis, keys, [now, run.runId, ...Object.entries(fields).flat()])) === 1;
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
    const { runId } = batch;
    const finished = this.keys.finished(runId);
    const keys = [
      this.key(runId),
      finished,
      this.keys.errors(runId),
      batch.memoryKey ?? finished,
      this.keys.items(runId),
    ];
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
    const keys = [this.key(runId), this.keys.finished(runId), this.keys.items(runId)];
    // One call's arguments stay bounded: 1,000 keys per call.
    for (let start = 0; start < itemKeys.length; start += 1000)
      await SKIP_ITEMS.run(this.redis, keys, itemKeys.slice(start, start + 1000));
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

  /** The run's end was reported (its summary posted). */
  async markReported(runId: string): Promise<void> {
    await this.redis.hset(this.key(runId), "reportedAt", String(Date.now()));
  }

  /** The run has ended and its end was never reported. */
  async endedUnreported(runId: string): Promise<boolean> {
    const [finishedAt, reportedAt] = await this.redis.hmget(this.key(runId), "finishedAt", "reportedAt");
    return finishedAt !== null && reportedAt === null;
  }

  /**
   * The retention of runs: a finished run's per-item detail (the keys counted, its last errors) goes
   * after `runDetailDays`, its record (the hash /codemem status reads) after `runDays`.
   */
  sweeper(settings: { runDays: number; runDetailDays: number; dayMs: number }): Sweeper {
    return {
      sweep: async (now, dryRun) => {
        const swept: Sweep[] = [];
        const old = await this.redis.zrangebyscore(
          this.keys.runs(),
          "-inf",
          now - settings.runDetailDays * settings.dayMs,
          "WITHSCORES",
        );
        for (let i = 0; i < old.length; i += 2) {
          const runId = old[i] as string;
          const startedAt = Number(old[i + 1]);
          if (startedAt <= now - settings.runDays * settings.dayMs) {
            swept.push({ what: "run", id: runId, action: "delete" });
            if (!dryRun) {
              await this.redis.del(this.key(runId), ...this.detailKeys(runId));
              await this.redis.zrem(this.keys.runs(), runId);
            }
            continue;
          }
          const [finishedAt, dropped] = await this.redis.hmget(this.key(runId), "finishedAt", "detailDropped");
          if (finishedAt === null || dropped !== null) continue;
          swept.push({ what: "run detail", id: runId, action: "delete" });
          if (!dryRun) {
            await this.redis.del(...this.detailKeys(runId));
            await this.redis.hset(this.key(runId), "detailDropped", String(now));
          }
        }
        return swept;
      },
    };
  }

  /** What of a run goes after `runDetailDays`: the keys counted, its last errors, its first outcomes. */
  private detailKeys(runId: string): string[] {
    return [this.keys.finished(runId), this.keys.errors(runId), this.keys.items(runId)];
  }

  async recent(limit = 10, offset = 0): Promise<string[]> {
    return this.redis.zrevrange(this.keys.runs(), offset, offset + limit - 1);
  }

  /** A run's first outcomes (at most 50), in the order they were counted; a failed one with its error. */
  async outcomes(runId: string): Promise<ItemOutcome[]> {
    const [listed, errors] = await Promise.all([
      this.redis.lrange(this.keys.items(runId), 0, -1),
      this.redis.lrange(this.keys.errors(runId), 0, -1),
    ]);
    return listed.map((entry) => {
      const space = entry.indexOf(" ");
      const outcome = entry.slice(0, space) as Outcome;
      const key = entry.slice(space + 1);
      const error = outcome === "failed" ? errors.find((line) => line.startsWith(`${key}: `)) : undefined;
      return error === undefined ? { key, outcome } : { key, outcome, error: error.slice(key.length + 2) };
    });
  }

  async snapshot(runId: string): Promise<RunSnapshot | undefined> {
    const hash = await this.redis.hgetall(this.key(runId));
    if (hash.skill === undefined) return undefined;
    const errors = await this.redis.lrange(this.keys.errors(runId), 0, 9);
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
      schedule: hash.schedule || undefined,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: total < 0 || rate === 0 || finishedAt !== undefined ? null : Math.max(0, (total - finished) / rate),
    };
  }
}
