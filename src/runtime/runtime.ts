import { createHash, randomUUID } from "node:crypto";
import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from "bullmq";
import type { RedisClient } from "../redis/client.ts";
import { asCodedError, userError } from "../errors.ts";
import type { ToolCaller } from "../mcp/types.ts";
import { moduleExports, transpileModule } from "../sandbox/transpile.ts";
import type { SandboxExecutor, SandboxMemory } from "../sandbox/types.ts";
import type { SkillRecord, SkillStore } from "../skills/store.ts";
import type { AuditLog } from "../ops/audit.ts";
import type { Metrics } from "../ops/metrics.ts";
import { silentLogger, type Logger } from "../ops/logger.ts";
import { type ChatSurface, type ThreadRef, threadKey } from "../ui/surface.ts";
import { AppLimiter } from "./app-limiter.ts";
import { ItemTools, type ItemToolsContext } from "./item-tools.ts";
import { validateParams } from "./params.ts";
import { progressMessage, RunProgress, type Outcome, type RunSnapshot, type RunStatus } from "./progress.ts";
import { ProgressReporter } from "./reporter.ts";

/** How long a process trusts the run status it read (see runStatus). */
const STATUS_TTL_MS = 250;

export interface RunJob {
  runId?: string | undefined;
  skill: string;
  version?: number | undefined;
  params: Record<string, unknown>;
  requester: string;
  thread?: ThreadRef | undefined;
}

export interface ItemJob {
  runId: string;
  key: string;
  item: unknown;
  /** Times the item went back to the queue after 429s. */
  handBacks?: number | undefined;
}

export interface SkillRuntimeOptions {
  /** BullMQ connection (workers need maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  /** A client for counters, memory and the journal (with enableAutoPipelining, as connectRedis makes it). */
  redis: RedisClient;
  /** Key and queue prefix. Default: "codemem". */
  prefix?: string | undefined;
  skills: SkillStore;
  tools: ToolCaller;
  sandbox: SandboxExecutor;
  /** Where progress and summaries go (runs started from a thread). Default: nowhere. */
  surface?: ChatSurface | undefined;
  /** Item jobs run at once in one process. Default: 16. */
  itemConcurrency?: number | undefined;
  /** Attempts per item before it counts as failed. Default: 3. */
  itemAttempts?: number | undefined;
  /** Drift failures after which a run stops instead of doing damage. Default: 3. */
  driftThreshold?: number | undefined;
  /** Wall limit of one item. Default: 60,000 ms. */
  itemTimeoutMs?: number | undefined;
  /** BullMQ lock of an active job; a crashed worker's jobs are taken over after it. Default: 30,000 ms. */
  lockDurationMs?: number | undefined;
  /** How often workers look for stalled jobs. Default: 30,000 ms. */
  stalledIntervalMs?: number | undefined;
  /** How long one item may sit out 429s in place before it goes back to the queue. Default: 5,000 ms. */
  rateLimitWaitBudgetMs?: number | undefined;
  /** Least time between two refreshes of a run's progress message from one process. Default: 1,000 ms. */
  progressIntervalMs?: number | undefined;
  /** Calls per second per app, shared by every worker process (e.g. {outlook: 50}). Default: none. */
  appRateLimits?: Readonly<Record<string, number>> | undefined;
  /** Where runs and schedule changes are recorded (who, what, when). Default: nowhere. */
  audit?: AuditLog | undefined;
  /** Counts runs, items, their durations and rate-limit waits. Default: nothing counted. */
  metrics?: Metrics | undefined;
  /** Lines carry `run`, `item` and `skill`. Default: silent. */
  log?: Logger | undefined;
}

/**
 * Runs approved skills with no model: a `runs` job lists the work with items() and fans out one
 * `items` job per key (deterministic ids, so listing twice enqueues nothing twice); item workers run
 * run(item) in a fresh sandbox, any number of processes sharing the Redis counters.
 */
export class SkillRuntime {
  readonly runs: Queue<RunJob>;
  readonly items: Queue<ItemJob>;
  readonly progress: RunProgress;
  private readonly reporter: ProgressReporter;
  private readonly limiter: AppLimiter;
  /** What items need of their run and never changes (skill, version, params), per run id. */
  private readonly runInfo = new Map<string, Pick<RunSnapshot, "skill" | "version" | "params">>();
  private readonly statuses = new Map<string, { status: RunStatus; at: number }>();
  private readonly options: SkillRuntimeOptions;
  private readonly prefix: string;

  constructor(options: SkillRuntimeOptions) {
    this.options = options;
    this.prefix = options.prefix ?? "codemem";
    this.runs = new Queue<RunJob>("runs", { connection: options.connection, prefix: this.prefix });
    this.items = new Queue<ItemJob>("items", { connection: options.connection, prefix: this.prefix });
    this.progress = new RunProgress(options.redis, this.prefix);
    this.reporter = new ProgressReporter({
      progress: this.progress,
      surface: options.surface,
      intervalMs: options.progressIntervalMs,
      log: options.log,
    });
    this.limiter = new AppLimiter(options.redis, this.prefix, options.appRateLimits ?? {}, (app) =>
      options.metrics?.rateLimitWaits.inc({ app }),
    );
  }

  /** The skill and its checked params; bad params or an unknown skill are user errors. */
  async checkRun(
    name: string,
    rawParams: unknown,
    version?: number,
  ): Promise<{ skill: SkillRecord; params: Record<string, unknown> }> {
    const skill =
      version === undefined
        ? await this.options.skills.require(name)
        : await this.options.skills.version(name, version);
    if (skill === undefined) throw userError("SKILL_VERSION_UNKNOWN", `${name} has no version ${version}`);
    return { skill, params: validateParams(skill.name, skill.params, rawParams) };
  }

  /** Validates and enqueues a run. */
  async enqueueRun(request: Omit<RunJob, "runId">): Promise<{ runId: string; skill: SkillRecord }> {
    const { skill, params } = await this.checkRun(request.skill, request.params, request.version);
    const runId = `r${Date.now().toString(36)}${randomUUID().slice(0, 6)}`;
    // The progress message is posted now, so it comes before whatever the caller posts next.
    await this.progress.create({
      runId,
      skill: skill.name,
      version: skill.version,
      params,
      requester: request.requester,
      thread: request.thread,
    });
    const queued = await this.progress.snapshot(runId);
    if (queued !== undefined) await this.postProgress(queued);
    await this.options.audit?.append({
      action: "run",
      who: request.requester,
      skill: skill.name,
      version: skill.version,
      thread: request.thread === undefined ? undefined : threadKey(request.thread),
      detail: runId,
    });
    await this.runs.add(
      "run",
      { ...request, params, version: skill.version, runId },
      {
        jobId: runId,
        attempts: 3,
        backoff: { type: "exponential", delay: 1000 },
        removeOnComplete: 1000,
        removeOnFail: 1000,
      },
    );
    return { runId, skill };
  }

  /** Posts a run's progress message once (keyed by run: a retried run job shows one, not two). */
  private async postProgress(run: RunSnapshot): Promise<void> {
    if (run.thread === undefined || this.options.surface === undefined || run.messageRef !== undefined) return;
    const ref = await this.options.surface.post(run.thread, progressMessage(run), { key: `run:${run.runId}:progress` });
    await this.progress.set(run.runId, { messageRef: JSON.stringify(ref) });
  }

  /** Where runs and schedule changes are recorded, when configured. */
  get audit(): AuditLog | undefined {
    return this.options.audit;
  }

  status(runId: string): Promise<RunSnapshot | undefined> {
    return this.progress.snapshot(runId);
  }

  async close(): Promise<void> {
    this.reporter.close();
    await this.runs.close();
    await this.items.close();
  }

  /** Starts a run worker and an item worker in this process. */
  startWorkers(): { runWorker: Worker<RunJob>; itemWorker: Worker<ItemJob>; close(): Promise<void> } {
    const common = {
      connection: this.options.connection,
      prefix: this.prefix,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
      // A job whose worker died is retried; past this it fails (and the item is counted as failed by the next run's check).
      maxStalledCount: 5,
    };
    const runWorker = new Worker<RunJob>("runs", (job) => this.processRun(job), { ...common, concurrency: 2 });
    const itemWorker: Worker<ItemJob> = new Worker<ItemJob>("items", (job) => this.processItem(job, itemWorker), {
      ...common,
      concurrency: this.options.itemConcurrency ?? 16,
    });
    for (const worker of [runWorker, itemWorker] as Worker[])
      worker.on("error", (error) => this.log.warn({ queue: worker.name, err: error.message }, "worker error"));
    return {
      runWorker,
      itemWorker,
      close: async () => {
        await Promise.all([runWorker.close(), itemWorker.close()]);
      },
    };
  }

  private get log(): Logger {
    return this.options.log ?? silentLogger;
  }

  private async processRun(job: Job<RunJob>): Promise<void> {
    try {
      await this.listRun(job);
    } catch (error) {
      // BullMQ retries a run job; an error no retry can fix (bad params, unknown skill) stops at once.
      const coded = asCodedError(error);
      if (!coded.retryable) throw new UnrecoverableError(`${coded.code}: ${coded.message}`);
      throw error;
    }
  }

  private async listRun(job: Job<RunJob>): Promise<void> {
    const data = job.data;
    // Scheduled runs arrive without an id: derive one from the job's, without ":" (BullMQ refuses it in ids).
    const runId = data.runId ?? `s${createHash("sha1").update(String(job.id)).digest("hex").slice(0, 12)}`;
    const skill =
      data.version === undefined
        ? await this.options.skills.latest(data.skill)
        : await this.options.skills.version(data.skill, data.version);
    if (skill === undefined) {
      this.log.warn({ run: runId, skill: data.skill }, "the run's skill is gone; nothing to run");
      return;
    }
    const fresh = await this.progress.create({
      runId,
      skill: skill.name,
      version: skill.version,
      params: data.params,
      requester: data.requester,
      thread: data.thread,
    });
    if (fresh && data.runId === undefined) {
      await this.options.audit?.append({
        action: "run",
        who: `schedule:${job.repeatJobKey ?? "?"}`,
        skill: skill.name,
        version: skill.version,
        thread: data.thread === undefined ? undefined : threadKey(data.thread),
        detail: runId,
      });
    }
    const before = await this.progress.snapshot(runId);
    // Counted once: a listing retried after a crash finds the run past "queued".
    if (fresh || before?.status === "queued") this.options.metrics?.runsStarted.inc({ skill: skill.name });
    if (!fresh && before?.finishedAt !== undefined) return;
    if (before !== undefined) await this.postProgress(before);
    await this.progress.set(runId, { status: "listing" });
    let params: Record<string, unknown>;
    try {
      params = validateParams(skill.name, skill.params, data.params);
    } catch (error) {
      return this.stop(runId, "failed", asCodedError(error).message);
    }
    let listed: { key: string; item: unknown }[];
    if (exportsOf(skill).has("items")) {
      const tools = this.itemTools(skill, runId, "items");
      const result = await this.options.sandbox.run(skill.code, {
        tools,
        memory: this.memory(skill),
        entry: { name: "items", args: [params] },
        limits: { timeoutMs: 5 * 60_000 },
        filename: `${skill.name}.ts`,
      });
      if (!result.ok) {
        if (result.error?.code === "MCP_RATE_LIMITED" || tools.rateLimitedMs !== undefined)
          throw new Error(`items() was rate limited: ${result.error?.message}`);
        return this.stop(runId, "failed", `items() failed: ${result.error?.code}: ${result.error?.message}`);
      }
      if (!Array.isArray(result.value)) return this.stop(runId, "failed", "items() returned no array");
      const seen = new Set<string>();
      listed = [];
      for (const item of result.value as unknown[]) {
        const key = (item as { key?: unknown })?.key;
        if (typeof key !== "string" || key === "")
          return this.stop(
            runId,
            "failed",
            `items() returned an item without a string key: ${JSON.stringify(item)?.slice(0, 100)}`,
          );
        if (seen.has(key)) continue;
        seen.add(key);
        listed.push({ key, item });
      }
    } else {
      listed = [{ key: "run", item: null }];
    }
    let todo = listed;
    if (skill.memory) {
      const known =
        listed.length === 0
          ? []
          : await this.options.redis.smismember(this.memoryKey(skill.name), ...listed.map((entry) => entry.key));
      todo = listed.filter((_, index) => known[index] !== 1);
      if (listed.length > todo.length)
        this.options.metrics?.items.inc({ skill: skill.name, outcome: "skipped" }, listed.length - todo.length);
      await this.progress.skipItems(
        runId,
        listed.filter((_, index) => known[index] === 1).map((entry) => entry.key),
      );
    }
    await this.progress.set(runId, { total: String(listed.length), status: "running" });
    this.log.info(
      { run: runId, skill: skill.name, version: skill.version, items: listed.length, todo: todo.length },
      "run listed its items",
    );
    const attempts = this.options.itemAttempts ?? 3;
    for (let start = 0; start < todo.length; start += 500) {
      await this.items.addBulk(
        todo.slice(start, start + 500).map((entry) => ({
          name: "item",
          data: { runId, key: entry.key, item: entry.item },
          opts: {
            jobId: itemJobId(runId, entry.key),
            attempts,
            backoff: { type: "exponential", delay: 500 },
            removeOnComplete: true,
            removeOnFail: 5000,
          },
        })),
      );
    }
    if (await this.progress.completeIfDone(runId)) await this.finalize(runId);
    else this.reporter.changed(runId);
  }

  private async processItem(job: Job<ItemJob>, worker: Worker<ItemJob>): Promise<void> {
    const { runId, key, item } = job.data;
    const status = await this.runStatus(runId);
    if (status === undefined) return;
    if (status === "stopped" || status === "failed") return this.finish(runId, key, "skipped");
    const run = await this.itemsRun(runId);
    if (run === undefined) return;
    const skill = await this.options.skills.version(run.skill, run.version);
    if (skill === undefined) return this.finish(runId, key, "failed", `skill ${run.skill} v${run.version} is gone`);
    // attemptsStarted counts every start (retries, stalled-job recovery, 429 hand-backs alike).
    const tools = this.itemTools(skill, runId, key, job.data.handBacks ?? 0, job.attemptsStarted <= 1);
    const started = performance.now();
    const result = await this.options.sandbox.run(skill.code, {
      tools,
      memory: this.memory(skill),
      entry: { name: "run", args: [item, run.params] },
      limits: { timeoutMs: this.options.itemTimeoutMs ?? 60_000 },
      filename: `${skill.name}.ts`,
      shapes: false,
    });
    this.options.metrics?.itemSeconds.observe({ skill: skill.name }, (performance.now() - started) / 1000);
    if (result.ok) return this.finish(runId, key, "done", undefined, skill);
    const error = result.error ?? { code: "SANDBOX_RUNTIME", message: "failed" };
    const waitMs = tools.rateLimitedMs;
    if (waitMs !== undefined) {
      // A 429 is no failure: pause this queue for the time the server asked, and try the item again,
      // with twice the wait budget each time, so an item that needs more calls than the app admits in
      // one budget still gets through instead of going round for ever.
      this.log.info({ run: runId, item: key, skill: skill.name, waitMs }, "item handed back after 429s; items paused");
      await job.updateData({ ...job.data, handBacks: (job.data.handBacks ?? 0) + 1 });
      await worker.rateLimit(Math.max(waitMs, 50));
      throw Worker.RateLimitError();
    }
    if (error.code === "SCHEMA_DRIFT" || tools.drift !== undefined) {
      const drifts = await this.progress.incrementDrift(runId);
      await this.finish(runId, key, "failed", `${error.code}: ${error.message}`);
      if (drifts >= (this.options.driftThreshold ?? 3))
        await this.stop(
          runId,
          "stopped",
          `the tools' results no longer match the schemas locked at approval (${tools.drift ?? error.message}); fix or re-approve the skill`,
        );
      return;
    }
    const attempts = job.opts.attempts ?? 1;
    // A missing export or an unloaded tool fails the same way every time: counted as failed at once.
    if (error.retryable !== false && job.attemptsMade + 1 < attempts)
      throw new Error(`${error.code}: ${error.message}`);
    return this.finish(runId, key, "failed", `${error.code}: ${error.message}`);
  }

  /** The tools an item's code sees; `handBacks` doubles its 429 wait budget per earlier hand-back. */
  private itemTools(
    skill: SkillRecord,
    runId: string,
    itemKey: string,
    handBacks = 0,
    firstAttempt = false,
  ): ItemTools {
    const context: ItemToolsContext = {
      tools: this.options.tools,
      limiter: this.limiter,
      redis: this.options.redis,
      prefix: this.prefix,
      waitBudgetMs: (this.options.rateLimitWaitBudgetMs ?? 5000) * 2 ** Math.min(handBacks, 10),
      firstAttempt,
    };
    return new ItemTools(context, skill, runId, itemKey);
  }

  private memory(skill: SkillRecord): SandboxMemory | undefined {
    return skill.memory ? new DedupMemory(this.options.redis, this.memoryKey(skill.name)) : undefined;
  }

  private memoryKey(skill: string): string {
    return `${this.prefix}:memory:${skill}`;
  }

  /**
   * The run's status, read at most every STATUS_TTL_MS per process: a run stopped elsewhere stops here
   * that much later (this process sees its own stops at once), and items save a round trip.
   */
  private async runStatus(runId: string): Promise<RunStatus | undefined> {
    const known = this.statuses.get(runId);
    if (known !== undefined && Date.now() - known.at < STATUS_TTL_MS) return known.status;
    const status = await this.progress.status(runId);
    if (this.statuses.size >= 256) this.statuses.delete(this.statuses.keys().next().value as string);
    if (status !== undefined) this.statuses.set(runId, { status, at: Date.now() });
    return status;
  }

  /** The run's fixed part, read once per process per run. */
  private async itemsRun(runId: string): Promise<Pick<RunSnapshot, "skill" | "version" | "params"> | undefined> {
    const known = this.runInfo.get(runId);
    if (known !== undefined) return known;
    const run = await this.progress.snapshot(runId);
    if (run === undefined) return undefined;
    if (this.runInfo.size >= 256) this.runInfo.delete(this.runInfo.keys().next().value as string);
    const info = { skill: run.skill, version: run.version, params: run.params };
    this.runInfo.set(runId, info);
    return info;
  }

  /** Counts the item (a done item of a skill with memory also goes into its memory) and reports. */
  private async finish(
    runId: string,
    key: string,
    outcome: Outcome,
    error?: string,
    skill?: SkillRecord,
  ): Promise<void> {
    const memoryKey = outcome === "done" && skill?.memory === true ? this.memoryKey(skill.name) : undefined;
    const result = await this.progress.finishItem(runId, key, outcome, { error, memoryKey });
    const info = this.runInfo.get(runId);
    const fields = { run: runId, item: key, skill: info?.skill ?? skill?.name, outcome };
    if (outcome === "failed") this.log.warn({ ...fields, error }, "item failed");
    else this.log.debug(fields, `item ${outcome}`);
    if (info !== undefined) this.options.metrics?.items.inc({ skill: info.skill, outcome });
    if (result === "completed") await this.finalize(runId);
    else this.reporter.changed(runId);
  }

  private async stop(runId: string, status: "stopped" | "failed", reason: string): Promise<void> {
    this.statuses.set(runId, { status, at: Date.now() });
    await this.progress.set(runId, { error: reason });
    if (await this.progress.markFinished(runId, status)) await this.finalize(runId);
  }

  /** A run reached its end (exactly once, in whichever process saw it): counted and reported. */
  private async finalize(runId: string): Promise<void> {
    const run = await this.progress.snapshot(runId);
    if (run !== undefined) {
      this.options.metrics?.runsFinished.inc({ skill: run.skill, status: run.status });
      const { status, done, failed, skipped, total } = run;
      this.log.info(
        { run: runId, skill: run.skill, status, done, failed, skipped, total, error: run.error },
        "run finished",
      );
    }
    await this.reporter.final(runId);
  }
}

/** A skill's dedup memory (ctx.memory): keys of the items it has done, a Redis set. */
class DedupMemory implements SandboxMemory {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async has(item: string): Promise<boolean> {
    return (await this.redis.sismember(this.key, item)) === 1;
  }

  async add(item: string): Promise<void> {
    await this.redis.sadd(this.key, item);
  }
}

const exportsBySkill = new WeakMap<SkillRecord, Set<string>>();

/** The names a skill's module exports, worked out once per version (records are cached). */
function exportsOf(skill: SkillRecord): Set<string> {
  let names = exportsBySkill.get(skill);
  if (names === undefined) {
    names = moduleExports(transpileModule(skill.code));
    exportsBySkill.set(skill, names);
  }
  return names;
}

/** `<run>-<key hash>`: deterministic, and free of ":" which BullMQ refuses in custom ids. */
export function itemJobId(runId: string, key: string): string {
  return `${runId}-${createHash("sha1").update(key).digest("hex").slice(0, 16)}`;
}
