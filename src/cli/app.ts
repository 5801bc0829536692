import { resolve } from "node:path";
import type { ConnectionOptions, Queue, Worker } from "bullmq";
import { DEFAULT_AGENT_LIMITS, type AgentDeps, type ChatModel, type SkillLauncher } from "../agent/deps.ts";
import { startDeliverers } from "../chat/deliverer.ts";
import { Outbox } from "../chat/outbox.ts";
import { SessionStore } from "../agent/session.ts";
import type { Config } from "../config.ts";
import { Bot, startAgentWorker, type AgentJob } from "../core/bot.ts";
import { Policy } from "../core/policy.ts";
import { RunReporter } from "../core/run-reporter.ts";
import { archiveReplayScript } from "../demo/replay-script.ts";
import { Discovery } from "../discovery/meta-tools.ts";
import { createOpenAiClient, openAiClientFromConfig } from "../model/client.ts";
import { startLocalOpenAiServer, type RunningLocalOpenAi } from "../model/local-openai-server.ts";
import {
  bullConnection,
  createRedisClient,
  keyPrefix,
  parseRedisUrl,
  type RedisClient,
  type RedisTarget,
} from "../redis/client.ts";
import { startRedisServer, type RunningRedis } from "../redis/server.ts";
import { IsolatedSandbox } from "../sandbox/runner.ts";
import { SkillRuntime, type SkillRuntimeOptions } from "../runtime/runtime.ts";
import { Schedules } from "../runtime/schedules.ts";
import { followSkills } from "../skills/catalog.ts";
import { installShippedSkills } from "../skills/shipped.ts";
import { SkillStore } from "../skills/store.ts";
import type { ChatAdapter, RunningInbound } from "../ui/adapter.ts";
import { AuditLog } from "../ops/audit.ts";
import type { Logger } from "../ops/logger.ts";
import { Metrics } from "../ops/metrics.ts";
import { type Readiness, readinessOf } from "../ops/readiness.ts";
import { setUpDiscovery, type DiscoverySetup } from "./discovery-setup.ts";
import { setUpMcp, type McpSetup } from "./mcp-setup.ts";

export interface App {
  bot: Bot;
  /** The core's way to talk: every post and update is an outbox delivery. */
  outbox: Outbox;
  /** What each adapter's inbound half started, in order: one line each for `npm start`. */
  surfaces: RunningInbound[];
  /** A plain client for adapters that keep their own state (the console's threads). */
  redis: RedisClient;
  sessions: SessionStore;
  skills: SkillStore;
  redisUrl: string;
  /** REDIS_URL parsed once: its nodes, and `display` (the URL without its password) for the start lines. */
  redisTarget: RedisTarget;
  /** "replay" when no model is configured: the scripted demo of the paper's example. */
  modelKind: "replay" | "openai";
  worker: Worker<AgentJob>;
  runtime: SkillRuntime;
  mcp: McpSetup;
  discovery: DiscoverySetup;
  /** Who approved, ran and changed what (a Redis Stream). */
  audit: AuditLog;
  /** This process's Prometheus metrics (served at /metrics). */
  metrics: Metrics;
  /** Whether this process can serve: Redis answers, every MCP server is connected, its workers run. */
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

/** What an adapter may use when it is made: the app's Redis (own or REDIS_URL) and prefix. */
export interface AdapterContext {
  redis: RedisClient;
  redisUrl: string;
  prefix: string;
  log: Logger;
  /** The app's readiness (for a health endpoint); "starting" until the app is up. */
  readiness: () => Promise<Readiness>;
  /** The app's Prometheus metrics (for a /metrics endpoint). */
  metrics: Metrics;
  /** The app's BullMQ queues once it is up (for a queue dashboard); empty before. */
  queues: () => readonly Queue[];
}

/** Makes one platform's adapter once Redis is up; its inbound half is started with the Bot. */
export type AdapterFactory = (context: AdapterContext) => ChatAdapter<Bot>;

export interface AppOptions {
  config: Config;
  /** The platforms this process serves and delivers to (the console, Slack, Teams, the terminal). */
  adapters: readonly AdapterFactory[];
  /** The process's log; adapters route their SDKs' logging into it. */
  log: Logger;
  /** BullMQ and key prefix. Default: the config's ("codemem"); on a cluster it is hash-tagged, "{codemem}". */
  prefix?: string | undefined;
}

/**
 * The composition root: Redis (own or REDIS_URL), MCP servers, catalog, sandbox, the model (real, or
 * the replay when no key is set), stores, the outbox and its deliverers for the given adapters, the
 * Bot, an agent worker and skill workers in this process, then each adapter's inbound half.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      // A BullMQ worker whose Redis went away and came back may never finish closing (bullmq#4656):
      // shutdown moves on after a while instead of hanging; what it held is dropped with the process.
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), CLOSE_TIMEOUT_MS);
      });
      const outcome = await Promise.race([
        close().catch((error: unknown) => log.warn({ err: (error as Error).message }, "closing a part failed")),
        late,
      ]);
      clearTimeout(timer);
      if (outcome === "late") log.warn({ timeoutMs: CLOSE_TIMEOUT_MS }, "a part was slow to close; moving on");
    }
  };
  try {
    const connected = await connectRedis(config, log, options.prefix);
    const { url: redisUrl, target: redisTarget, redis, connection, prefix } = connected;
    closers.push(connected.close);
    const mcp = await setUpMcp(config, undefined, { log });
    closers.push(() => mcp.close());
    const discovery = await setUpDiscovery(config, mcp.pool, log, { redis, prefix });
    closers.push(() => discovery.close());

    let model: ChatModel | undefined = config.model.apiKey !== undefined ? openAiClientFromConfig(config) : undefined;
    let replay: RunningLocalOpenAi | undefined;
    if (model === undefined) {
      const server = await startLocalOpenAiServer({ script: archiveReplayScript() });
      replay = server;
      closers.push(() => server.close());
      model = createOpenAiClient({ baseUrl: server.baseUrl });
    }
    const outbox = new Outbox({ connection, redis, prefix });
    closers.push(() => outbox.close());
    let readiness = async (): Promise<Readiness> => ({ ready: false, checks: { app: "starting" } });
    const metrics = new Metrics();
    let queues: Queue[] = [];
    const adapters = options.adapters.map((make) =>
      make({ redis, redisUrl, prefix, log, readiness: () => readiness(), metrics, queues: () => queues }),
    );
    const deliverers = startDeliverers({
      connection,
      redis,
      prefix,
      adapters: adapters.map((adapter) => adapter.outbound),
      metrics,
      log,
    });
    closers.push(() => deliverers.close());
    const groups = adapters.flatMap((adapter) => (adapter.groups === undefined ? [] : [adapter.groups]));
    const policy = new Policy({ approvers: config.approvers, groups });
    const sessions = new SessionStore(redis, prefix);
    const skills = new SkillStore(redis, prefix);
    for (const name of await installShippedSkills(skills)) log.info({ skill: name }, "installed a shipped skill");
    const stopFollowing = await followSkills(skills, discovery.catalog);
    closers.push(async () => stopFollowing());
    // One sandbox for probes and skill runs: its warm realms serve both.
    const sandbox = new IsolatedSandbox({ defaults: config.sandbox });
    const audit = new AuditLog(redis, prefix, config.audit.maxEntries);
    const runtime = new SkillRuntime({
      connection,
      redis,
      prefix,
      audit,
      metrics,
      skills,
      tools: mcp.pool,
      sandbox,
      observer: new RunReporter({ redis, prefix, surface: outbox, log }),
      ...runtimeSettings(config),
      log,
    });
    closers.push(() => runtime.close());
    const deps: AgentDeps = {
      model,
      modelName: replay ? "replay" : config.model.name,
      catalog: discovery.catalog,
      discovery: new Discovery({ catalog: discovery.catalog, search: discovery.search }),
      tools: mcp.pool,
      sandbox,
      surface: outbox,
      skills,
      limits: DEFAULT_AGENT_LIMITS,
      policy,
      launcher: launcherOf(runtime),
      audit,
      metrics,
    };
    const workers: { isRunning(): boolean }[] = [];
    if (config.runtime.inProcessWorkers) {
      const runWorkers = runtime.startWorkers();
      workers.push(runWorkers.runWorker, runWorkers.itemWorker);
      closers.push(() => runWorkers.close());
    }
    const bot = new Bot({ connection, prefix, sessions, skills, runtime, policy, surface: outbox, redis, audit });
    closers.push(() => bot.close());
    const worker = startAgentWorker({ connection, prefix, sessions, deps, locks: redis, log });
    closers.push(() => worker.close());
    // Known before any inbound half serves a request (the console's queue dashboard reads them).
    queues = [
      runtime.runs,
      runtime.items,
      bot.queue,
      ...adapters.map((adapter) => outbox.queue(adapter.outbound.platform)),
    ];
    const surfaces: RunningInbound[] = [];
    for (const adapter of adapters) {
      if (adapter.start === undefined) continue;
      const running = await adapter.start(bot);
      surfaces.push(running);
      closers.push(() => running.close());
    }
    workers.push(worker);
    metrics.watch(...queues);
    readiness = () =>
      readinessOf({
        redis: async () => ((await redis.ping()) === "PONG" ? undefined : "no PONG"),
        mcp: async () => {
          const down = mcp.pool.apps().filter((app) => !mcp.pool.connection(app).connected);
          return down.length === 0 ? undefined : `not connected: ${down.join(", ")}`;
        },
        workers: async () => (workers.every((w) => w.isRunning()) ? undefined : "a worker has stopped"),
      });
    const modelKind = replay ? "replay" : "openai";
    return {
      readiness: () => readiness(),
      audit,
      metrics,
      bot,
      outbox,
      surfaces,
      redis,
      runtime,
      sessions,
      skills,
      redisUrl,
      redisTarget,
      modelKind,
      worker,
      mcp,
      discovery,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** How long one part of the app may take to close before shutdown moves on. */
const CLOSE_TIMEOUT_MS = 5000;

/** Approve's run and the schedule buttons, through the runtime (no model call per run). */
export function launcherOf(runtime: SkillRuntime): SkillLauncher {
  return {
    run: async (request) => ({ runId: (await runtime.enqueueRun(request)).runId }),
    schedule: async (request) => {
      const made = await new Schedules(runtime).create(request);
      return { id: made.id, next: made.next };
    },
  };
}

export interface ConnectedRedis {
  /** REDIS_URL, or the URL of the redis-server started for this process. */
  url: string;
  target: RedisTarget;
  /** A client for counters, state and scripts, with auto-pipelining. */
  redis: RedisClient;
  /** What BullMQ's queues and workers connect with. */
  connection: ConnectionOptions;
  /** The key and queue prefix to use: hash-tagged on a cluster. */
  prefix: string;
  close(): Promise<void>;
}

/**
 * REDIS_URL's Redis or Redis Cluster, or a private redis-server under the data dir; `close` stops
 * what was started.
 */
export async function connectRedis(
  config: Config,
  log: Logger,
  prefix: string = config.prefix,
): Promise<ConnectedRedis> {
  let server: RunningRedis | undefined;
  let url = config.redisUrl;
  if (url === undefined) {
    server = await startRedisServer({ dir: resolve(config.dataDir, "redis") });
    url = server.url;
  }
  const target = parseRedisUrl(url);
  // Auto-pipelining: the commands of items finishing in one tick share one write (and one read).
  const redis = createRedisClient(target, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  redis.on("error", (error: Error) => log.warn({ err: error.message }, "redis unreachable; reconnecting"));
  const bull = bullConnection(target);
  return {
    url,
    target,
    redis,
    connection: bull.connection,
    prefix: keyPrefix(prefix, target),
    close: async () => {
      redis.disconnect();
      bull.close();
      await server?.stop();
    },
  };
}

/** The runtime's settings from the config, for every process that runs workers. */
export function runtimeSettings(
  config: Config,
): Pick<SkillRuntimeOptions, "itemConcurrency" | "lockDurationMs" | "stalledIntervalMs" | "appRateLimits"> {
  const { itemConcurrency, lockDurationMs, stalledIntervalMs, appRateLimits } = config.runtime;
  return { itemConcurrency, lockDurationMs, stalledIntervalMs, appRateLimits };
}
