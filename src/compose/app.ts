import type { Queue } from "bullmq";
import { type AgentDeps, DEFAULT_AGENT_LIMITS } from "../agent/deps.ts";
import type { SessionStore } from "../agent/session.ts";
import { startDeliverers } from "../chat/deliverer.ts";
import type { Outbox } from "../chat/outbox.ts";
import type { Config } from "../config/schema.ts";
import { startAgentWorker } from "../core/agent-worker.ts";
import { Bot } from "../core/bot.ts";
import { Policy } from "../core/policy.ts";
import { Discovery } from "../discovery/meta-tools.ts";
import type { AuditLog } from "../ops/audit.ts";
import type { Logger } from "../ops/logger.ts";
import type { Metrics } from "../ops/metrics.ts";
import { readinessOf } from "../ops/readiness.ts";
import type { RedisClient, RedisTarget } from "../redis/client.ts";
import type { SkillRuntime } from "../runtime/runtime.ts";
import type { SandboxExecutor } from "../sandbox/types.ts";
import { type PlatformSweepers, retentionSweepers, sweepIntervalMs, sweepOnce } from "./retention.ts";
import { followSkills } from "../skills/catalog.ts";
import type { SkillStore } from "../skills/store.ts";
import type { AdapterFactory, ReadinessReport, RunningInbound } from "../ui/adapter.ts";
import { skillMcpEndpoint } from "../skill-server/http.ts";
import { Composition } from "./composition.ts";
import type { DiscoverySetup } from "./discovery.ts";
import { launcherOf } from "./launcher.ts";
import type { McpSetup } from "./mcp.ts";

export interface App {
  bot: Bot;
  /** The core's way to talk: every post and update is an outbox delivery. */
  outbox: Outbox;
  /** What each adapter's inbound half started, in order: one line each for `npm start`. */
  surfaces: RunningInbound[];
  /** The app's client, for what tests and adapters read directly. */
  redis: RedisClient;
  sessions: SessionStore;
  skills: SkillStore;
  /** REDIS_URL parsed once: its nodes, and `display` (the URL without its password) for the start lines. */
  redisTarget: RedisTarget;
  /** "replay" when no model is configured: the scripted demo of the paper's example. */
  modelKind: "replay" | "openai";
  runtime: SkillRuntime;
  /** The one sandbox of this process: probes, dry runs and skill items. */
  sandbox: SandboxExecutor;
  mcp: McpSetup;
  discovery: DiscoverySetup;
  /** Who approved, ran and changed what (a Redis Stream). */
  audit: AuditLog;
  /** This process's Prometheus metrics (served at /metrics). */
  metrics: Metrics;
  /** Whether this process can serve: Redis answers, every MCP server is connected, its workers run. */
  readiness(): Promise<ReadinessReport>;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  /** The platforms this process serves and delivers to (the console, Slack, Teams, the terminal). */
  adapters: readonly AdapterFactory<Bot>[];
  /** The process's log; adapters route their SDKs' logging into it. */
  log: Logger;
  /** What the platforms keep, swept by the retention with the core's stores. Default: the core's only. */
  platformSweepers?: PlatformSweepers | undefined;
}

/**
 * The serving process (`npm start`, `codemem demo`): the whole core of the Composition, plus the outbox's
 * deliverers for the given adapters, the Bot, an agent worker and (unless `codemem worker` processes do
 * it) skill workers, then each adapter's inbound half.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const core = new Composition({ config, log });
  try {
    const { redis, connection, prefix, target } = await core.redis();
    const [mcp, discovery, model, outbox, skills, sessions, runtime, audit, sandbox, quotas] = await Promise.all([
      core.mcp(),
      core.discovery(),
      core.model(),
      core.outbox(),
      core.skills(),
      core.sessions(),
      core.runtime(),
      core.audit(),
      core.sandbox(),
      core.quotas(),
    ]);
    const metrics = core.metrics;
    const mcpToken = config.serveMcp.token;
    const mcpEndpoint = mcpToken === undefined ? undefined : skillMcpEndpoint(await core.skillServers(), mcpToken);
    if (mcpEndpoint !== undefined) core.adopt("mcp endpoint", () => mcpEndpoint.close());
    let readiness = async (): Promise<ReadinessReport> => ({ ready: false, checks: { app: "starting" } });
    let queues: Queue[] = [];
    const adapters = options.adapters.map((make) =>
      make({
        redis,
        prefix,
        log,
        readiness: () => readiness(),
        metrics,
        queues: () => queues,
        mcp: mcpEndpoint?.handle,
      }),
    );
    const deliverers = startDeliverers({
      connection,
      redis,
      prefix,
      adapters: adapters.map((adapter) => adapter.outbound),
      metrics,
      log,
      messageTtlSeconds: core.lifetimes.messageSeconds,
    });
    core.adopt("deliverers", () => deliverers.close());
    const groups = adapters.flatMap((adapter) => (adapter.groups === undefined ? [] : [adapter.groups]));
    const policy = new Policy({ approvers: config.approvers, groups });
    core.adopt("skill index", await followSkills(skills, discovery.catalog));
    const deps: AgentDeps = {
      model: model.client,
      modelName: model.name,
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
      quotas,
    };
    const workers: { isRunning(): boolean }[] = [];
    if (config.runtime.inProcessWorkers) {
      const runWorkers = runtime.startWorkers();
      workers.push(runWorkers.runWorker, runWorkers.itemWorker);
      core.adopt("skill workers", () => runWorkers.close());
    }
    const bot = new Bot({
      connection,
      prefix,
      sessions,
      skills,
      runtime,
      policy,
      surface: outbox,
      redis,
      audit,
      quotas,
      eventTtlSeconds: core.lifetimes.eventSeconds,
    });
    core.adopt("bot", () => bot.close());
    const agentWorker = startAgentWorker({ connection, prefix, sessions, deps, redis, log });
    core.adopt("agent worker", () => agentWorker.close());
    workers.push(agentWorker);
    // The retention, hourly in the retention's days (one process at a time): nothing kept grows without end.
    const sweepers = await retentionSweepers(core, options.platformSweepers);
    const sweep = () =>
      void sweepOnce(sweepers, redis, prefix, log).catch((error: unknown) =>
        log.error({ err: (error as Error).message }, "the retention failed"),
      );
    const retention = setInterval(sweep, sweepIntervalMs(config.retention)).unref();
    core.adopt("retention", () => clearInterval(retention));
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
      core.adopt("inbound", () => running.close());
    }
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
    return {
      readiness: () => readiness(),
      audit,
      metrics,
      bot,
      outbox,
      surfaces,
      redis,
      runtime,
      sandbox,
      sessions,
      skills,
      redisTarget: target,
      modelKind: model.kind,
      mcp,
      discovery,
      close: () => core.close(),
    };
  } catch (error) {
    await core.close();
    throw error;
  }
}
