import type { Redis } from "ioredis";
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

/** Counts an item once, whichever worker process finishes it and however often it is retried. */
const FINISH_ITEM = `
if redis.call("SADD", KEYS[2], ARGV[1]) == 1 then
  redis.call("HINCRBY", KEYS[1], ARGV[2], 1)
  return 1
end
return 0`;

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

  /** Records an item's outcome; false when it was already counted (a retried or replayed job). */
  async finishItem(runId: string, itemKey: string, outcome: Outcome, error?: string): Promise<boolean> {
    const counted = (await this.redis.eval(FINISH_ITEM, 2, this.key(runId), `${this.key(runId)}:finished`, itemKey, outcome)) === 1;
    if (counted && error !== undefined) {
      await this.redis.lpush(`${this.key(runId)}:errors`, `${itemKey}: ${error}`.slice(0, 500));
      await this.redis.ltrim(`${this.key(runId)}:errors`, 0, 9);
    }
    return counted;
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
