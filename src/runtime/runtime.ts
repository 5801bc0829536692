import { randomUUID } from "node:crypto";
import { type ConnectionOptions, type JobsOptions, Queue, Worker } from "bullmq";
import { userError } from "../errors.ts";
import { limitError, type Quotas } from "../limits/quotas.ts";
import type { ToolCaller } from "../mcp/types.ts";
import type { AuditLog } from "../ops/audit.ts";
import { type Logger, silentLogger } from "../ops/logger.ts";
import type { Metrics } from "../ops/metrics.ts";
import { QUEUES, RUN_JOB, SCHEDULED_RUN_JOB } from "../queues.ts";
import type { Sweeper } from "../ops/retention.ts";
import type { RedisClient } from "../redis/client.ts";
import type { SandboxExecutor } from "../sandbox/types.ts";
import type { SkillRecord, SkillStore } from "../skills/store.ts";
import { threadKey } from "../ui/surface.ts";
import { AppLimiter } from "./app-limiter.ts";
import { ItemRunner } from "./item-runner.ts";
import type { ItemJob, RunJob } from "./jobs.ts";
import { JOURNAL_TTL_SECONDS, RunKeys } from "./keys.ts";
import { RunListing } from "./listing.ts";
import { type RunObserver, UNOBSERVED } from "./observer.ts";
import { validateParams } from "./params.ts";
import type { RuntimeParts, RuntimeSettings } from "./parts.ts";
import { RunProgress, type RunSnapshot } from "./progress.ts";
import { RunCache } from "./run-cache.ts";
import { RunEnd } from "./run-end.ts";
import { ScheduleHealth } from "./schedule-health.ts";
import { SkillFacts } from "./skill-facts.ts";

export interface SkillRuntimeOptions {
  /** BullMQ connection (workers need maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  /** A client for counters, memory and the journal (with enableAutoPipelining, as connectRedis makes it). */
  redis: RedisClient;
  /** The app's key and queue prefix. */
  prefix: string;
  skills: SkillStore;
  tools: ToolCaller;
  sandbox: SandboxExecutor;
  /** Who shows runs to people (the run reporter posts progress and summaries). Default: nobody. */
  observer?: RunObserver | undefined;
  /** Item jobs run at once in one process. Default: 16. */
  itemConcurrency?: number | undefined;
  /** Attempts per item before it counts as failed. Default: 3. */
  itemAttempts?: number | undefined;
  /** Drift failures after which a run stops instead of doing damage. Default: 3. */
  driftThreshold?: number | undefined;
  /** Wall limit of one item. Default: 60,000 ms. */
  itemTimeoutMs?: number | undefined;
  /** Wall limit of a run's items() listing. Default: 300,000 ms. */
  listTimeoutMs?: number | undefined;
  /** BullMQ lock of an active job; a crashed worker's jobs are taken over after it. Default: 30,000 ms. */
  lockDurationMs?: number | undefined;
  /** How often workers look for stalled jobs. Default: 30,000 ms. */
  stalledIntervalMs?: number | undefined;
  /** How long one item may sit out 429s in place before it goes back to the queue. Default: 5,000 ms. */
  rateLimitWaitBudgetMs?: number | undefined;
  /** Calls per second per app, shared by every worker process (e.g. {outlook: 50}). Default: none. */
  appRateLimits?: Readonly<Record<string, number>> | undefined;
  /** Where runs and schedule changes are recorded (who, what, when). Default: nowhere. */
  audit?: AuditLog | undefined;
  /** Runs a person may start an hour and runs of a skill at once (src/limits). Default: no limits. */
  quotas?: Quotas | undefined;
  /** How long an item's journal outlives its last write. Default: JOURNAL_TTL_SECONDS (7 days). */
  journalTtlSeconds?: number | undefined;
  /** Failed firings in a row after which a schedule pauses itself (0: never; a drift pauses it at once). Default: 3. */
  schedulePauseAfter?: number | undefined;
  /** Finished firings of schedules kept in BullMQ. Default: 1,000, as RUN_JOB keeps of runs started by hand. */
  scheduledRunsKept?: number | undefined;
  /** Counts runs, items, their durations and rate-limit waits. Default: nothing counted. */
  metrics?: Metrics | undefined;
  /** Lines carry `run`, `item` and `skill`. Default: silent. */
  log?: Logger | undefined;
}

/** A job whose worker died is retried; past this many stalls it fails (and the item counts as failed). */
const MAX_STALLED = 5;

/** Run jobs listed at once in one process: listing is mostly waiting on a tool. */
const RUN_CONCURRENCY = 2;

/**
 * Runs approved skills with no model: a `runs` job lists the work (src/runtime/listing.ts) and fans out
 * one `items` job per key; item workers run run(item) in the sandbox (item-runner.ts), any number of
 * processes sharing the Redis counters (progress.ts); the run's end is reported once (run-end.ts).
 */
export class SkillRuntime {
  readonly runs: Queue<RunJob>;
  readonly items: Queue<ItemJob>;
  readonly progress: RunProgress;
  /** Each schedule's failures in a row, and the schedules that paused themselves. */
  readonly scheduleHealth: ScheduleHealth;
  private readonly parts: RuntimeParts;
  private readonly listing: RunListing;
  private readonly itemRunner: ItemRunner;
  private readonly connection: ConnectionOptions;
  private readonly prefix: string;
  private readonly quotas: Quotas | undefined;
  /** The options of a schedule's firings: tried like a run, the last `scheduledRunsKept` kept. */
  readonly scheduledRunJob: JobsOptions;

  constructor(options: SkillRuntimeOptions) {
    const { connection, prefix } = options;
    this.quotas = options.quotas;
    const kept = options.scheduledRunsKept ?? RUN_JOB.removeOnComplete;
    this.scheduledRunJob = { ...SCHEDULED_RUN_JOB, removeOnComplete: kept, removeOnFail: kept };
    this.connection = connection;
    this.prefix = prefix;
    this.runs = new Queue<RunJob>(QUEUES.runs, { connection, prefix });
    this.items = new Queue<ItemJob>(QUEUES.items, { connection, prefix });
    this.progress = new RunProgress(options.redis, prefix);
    const keys = new RunKeys(prefix);
    this.scheduleHealth = new ScheduleHealth(options.redis, keys, this.runs, options.schedulePauseAfter ?? 3);
    const settings: RuntimeSettings = {
      itemConcurrency: options.itemConcurrency ?? 16,
      itemAttempts: options.itemAttempts ?? 3,
      driftThreshold: options.driftThreshold ?? 3,
      itemTimeoutMs: options.itemTimeoutMs ?? 60_000,
      listTimeoutMs: options.listTimeoutMs ?? 300_000,
      lockDurationMs: options.lockDurationMs ?? 30_000,
      stalledIntervalMs: options.stalledIntervalMs ?? 30_000,
      rateLimitWaitBudgetMs: options.rateLimitWaitBudgetMs ?? 5000,
      journalTtlSeconds: options.journalTtlSeconds ?? JOURNAL_TTL_SECONDS,
    };
    this.parts = {
      redis: options.redis,
      keys,
      skills: options.skills,
      tools: options.tools,
      sandbox: options.sandbox,
      progress: this.progress,
      cache: new RunCache(this.progress),
      facts: new SkillFacts(),
      limiter: new AppLimiter(options.redis, keys, options.appRateLimits ?? {}, (app) =>
        options.metrics?.rateLimitWaits.inc({ app }),
      ),
      observer: options.observer ?? UNOBSERVED,
      scheduleHealth: this.scheduleHealth,
      settings,
      audit: options.audit,
      metrics: options.metrics,
      log: options.log ?? silentLogger,
    };
    const end = new RunEnd(this.parts);
    this.listing = new RunListing(this.parts, this.items, end);
    this.itemRunner = new ItemRunner(this.parts, end);
  }

  /** The skill and its checked params; bad params or an unknown skill are user errors. */
  async checkRun(
    name: string,
    rawParams: unknown,
    version?: number,
  ): Promise<{ skill: SkillRecord; params: Record<string, unknown> }> {
    const skills = this.parts.skills;
    const skill = version === undefined ? await skills.require(name) : await skills.version(name, version);
    if (skill === undefined) throw userError("SKILL_VERSION_UNKNOWN", `${name} has no version ${version}`);
    return { skill, params: validateParams(skill.name, skill.params, rawParams) };
  }

  /** Validates and enqueues a run. */
  async enqueueRun(request: Omit<RunJob, "runId">): Promise<{ runId: string; skill: SkillRecord }> {
    const { skill, params } = await this.checkRun(request.skill, request.params, request.version);
    const runId = `r${Date.now().toString(36)}${randomUUID().slice(0, 6)}`;
    await this.admit(request.requester, skill.name, runId);
    await this.progress.create({
      runId,
      skill: skill.name,
      version: skill.version,
      params,
      requester: request.requester,
      thread: request.thread,
    });
    // Shown now, so the progress message comes before whatever the caller posts next.
    const queued = await this.progress.snapshot(runId);
    if (queued !== undefined) await this.parts.observer.started(queued);
    await this.parts.audit?.append({
      action: "run",
      who: request.requester,
      skill: skill.name,
      version: skill.version,
      thread: request.thread === undefined ? undefined : threadKey(request.thread),
      detail: runId,
    });
    await this.runs.add("run", { ...request, params, version: skill.version, runId }, { ...RUN_JOB, jobId: runId });
    return { runId, skill };
  }

  /** The runs-per-person and runs-per-skill limits: a refusal is audited and thrown as a user error. */
  private async admit(requester: string, skill: string, runId: string): Promise<void> {
    const quotas = this.quotas;
    if (quotas === undefined) return;
    const going = async (id: string) => {
      const run = await this.progress.snapshot(id);
      return run !== undefined && run.finishedAt === undefined;
    };
    const hit = (await quotas.startRun(requester)) ?? (await quotas.admitRun(skill, runId, going));
    if (hit === undefined) return;
    await this.parts.audit?.append({ action: "limit_refused", who: requester, skill, detail: hit.limit });
    throw limitError(hit);
  }

  /**
   * The retention of runs: their records and details (RunProgress.sweeper), and run jobs BullMQ still
   * keeps past `runDays` (firings of schedules made before their firings were capped).
   */
  sweeper(settings: { runDays: number; runDetailDays: number; dayMs: number }): Sweeper {
    const records = this.progress.sweeper(settings);
    return {
      sweep: async (now, dryRun) => {
        const swept = await records.sweep(now, dryRun);
        const grace = Math.max(0, Date.now() - (now - settings.runDays * settings.dayMs));
        for (const state of ["completed", "failed"] as const) {
          const jobs = dryRun ? [] : await this.runs.clean(grace, 10_000, state);
          for (const id of jobs) swept.push({ what: `${state} run job`, id, action: "delete" });
        }
        return swept;
      },
    };
  }

  /** The pub/sub channel each run's id is published on when it ends (RunEnd.report). */
  get endedChannel(): string {
    return this.parts.keys.endedChannel();
  }

  /** Where runs and schedule changes are recorded, when configured. */
  get audit(): AuditLog | undefined {
    return this.parts.audit;
  }

  status(runId: string): Promise<RunSnapshot | undefined> {
    return this.progress.snapshot(runId);
  }

  async close(): Promise<void> {
    this.parts.observer.close();
    await this.runs.close();
    await this.items.close();
  }

  /** Starts a run worker and an item worker in this process. */
  startWorkers(): { runWorker: Worker<RunJob>; itemWorker: Worker<ItemJob>; close(): Promise<void> } {
    const { settings, log } = this.parts;
    const common = {
      connection: this.connection,
      prefix: this.prefix,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      maxStalledCount: MAX_STALLED,
    };
    const runWorker = new Worker<RunJob>(QUEUES.runs, (job) => this.listing.process(job), {
      ...common,
      concurrency: RUN_CONCURRENCY,
    });
    const itemWorker: Worker<ItemJob> = new Worker<ItemJob>(
      QUEUES.items,
      (job) => this.itemRunner.process(job, itemWorker),
      { ...common, concurrency: settings.itemConcurrency },
    );
    for (const worker of [runWorker, itemWorker] as Worker[])
      worker.on("error", (error) => log.warn({ queue: worker.name, err: error.message }, "worker error"));
    return {
      runWorker,
      itemWorker,
      close: async () => {
        await Promise.all([runWorker.close(), itemWorker.close()]);
      },
    };
  }
}
