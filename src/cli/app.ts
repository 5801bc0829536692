import { resolve } from "node:path";
import { Redis } from "ioredis";
import type { Worker } from "bullmq";
import { DEFAULT_AGENT_LIMITS, type AgentDeps, type ChatModel } from "../agent/deps.ts";
import { SessionStore } from "../agent/session.ts";
import type { Config } from "../config.ts";
import { Bot, startAgentWorker, type AgentJob } from "../core/bot.ts";
import { archiveReplayScript } from "../demo/replay-script.ts";
import { Discovery } from "../discovery/meta-tools.ts";
import { createOpenAiClient, openAiClientFromConfig } from "../model/client.ts";
import { startLocalOpenAiServer, type RunningLocalOpenAi } from "../model/local-openai-server.ts";
import { startRedisServer, type RunningRedis } from "../redis/server.ts";
import { IsolatedSandbox } from "../sandbox/runner.ts";
import { SkillRuntime, type SkillRuntimeOptions } from "../runtime/runtime.ts";
import { followSkills } from "../skills/catalog.ts";
import { installShippedSkills } from "../skills/shipped.ts";
import { SkillStore } from "../skills/store.ts";
import type { ChatSurface } from "../ui/surface.ts";
import { setUpDiscovery, type DiscoverySetup } from "./discovery-setup.ts";
import { setUpMcp, type McpSetup } from "./mcp-setup.ts";

export interface App {
  bot: Bot;
  /** A plain client for adapters that keep their own state (the console's threads). */
  redis: Redis;
  sessions: SessionStore;
  skills: SkillStore;
  redisUrl: string;
  /** "replay" when no model is configured: the scripted demo of the paper's example. */
  modelKind: "replay" | "openai";
  worker: Worker<AgentJob>;
  runtime: SkillRuntime;
  mcp: McpSetup;
  discovery: DiscoverySetup;
  close(): Promise<void>;
}

export interface AppOptions {
  config: Config;
  surface: ChatSurface;
  log: (line: string) => void;
  /** BullMQ and key prefix. Default: "codemem". */
  prefix?: string | undefined;
}

/**
 * The composition root: Redis (own or REDIS_URL), MCP servers, catalog, sandbox, the model (real, or
 * the replay when no key is set), stores, the Bot and an agent worker in this process.
 */
export async function startApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const prefix = options.prefix ?? config.prefix;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch((error: unknown) => log(`close failed: ${(error as Error).message}`));
  };
  try {
    const { url: redisUrl, redis, close: closeRedis } = await connectRedis(config, log);
    closers.push(closeRedis);
    const mcp = await setUpMcp(config, undefined, { log });
    closers.push(() => mcp.close());
    const discovery = await setUpDiscovery(config, mcp.pool, log);
    closers.push(() => discovery.close());

    let model: ChatModel | undefined = config.model.apiKey !== undefined ? openAiClientFromConfig(config) : undefined;
    let replay: RunningLocalOpenAi | undefined;
    if (model === undefined) {
      replay = await startLocalOpenAiServer({ script: archiveReplayScript() });
      closers.push(() => replay!.close());
      model = createOpenAiClient({ baseUrl: replay.baseUrl });
    }
    const sessions = new SessionStore(redis, `${prefix}:session:`);
    const skills = new SkillStore(redis, `${prefix}:skill:`);
    for (const name of await installShippedSkills(skills)) log(`installed shipped skill ${name}`);
    const stopFollowing = await followSkills(skills, discovery.catalog);
    closers.push(async () => stopFollowing());
    const deps: AgentDeps = {
      model,
      modelName: replay ? "replay" : config.model.name,
      catalog: discovery.catalog,
      discovery: new Discovery({ catalog: discovery.catalog, search: discovery.search }),
      tools: mcp.pool,
      sandbox: new IsolatedSandbox({ defaults: config.sandbox }),
      surface: options.surface,
      skills,
      limits: DEFAULT_AGENT_LIMITS,
      approvers: config.approvers,
    };
    const connection = redisConnection(redisUrl);
    const runtime = new SkillRuntime({
      connection,
      redis,
      prefix,
      skills,
      tools: mcp.pool,
      sandbox: deps.sandbox,
      surface: options.surface,
      ...runtimeSettings(config),
      log,
    });
    closers.push(() => runtime.close());
    const runWorkers = runtime.startWorkers();
    closers.push(() => runWorkers.close());
    const bot = new Bot({ connection, prefix, sessions, skills, runtime });
    closers.push(() => bot.close());
    const worker = startAgentWorker({ connection, prefix, sessions, deps, locks: redis, log });
    closers.push(() => worker.close());
    return { bot, redis, runtime, sessions, skills, redisUrl, modelKind: replay ? "replay" : "openai", worker, mcp, discovery, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** BullMQ connection options from a redis:// URL (workers need maxRetriesPerRequest: null). */
export function redisConnection(url: string): { host: string; port: number; password?: string; username?: string; db?: number; tls?: object; maxRetriesPerRequest: null } {
  const parsed = new URL(url);
  const options: ReturnType<typeof redisConnection> = { host: parsed.hostname, port: Number(parsed.port || 6379), maxRetriesPerRequest: null };
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.pathname.length > 1) options.db = Number(parsed.pathname.slice(1));
  if (parsed.protocol === "rediss:") options.tls = {};
  return options;
}

/** REDIS_URL's Redis, or a private redis-server under the data dir; `close` stops what was started. */
export async function connectRedis(config: Config, log: (line: string) => void): Promise<{ url: string; redis: Redis; close(): Promise<void> }> {
  let server: RunningRedis | undefined;
  let url = config.redisUrl;
  if (url === undefined) {
    server = await startRedisServer({ dir: resolve(config.dataDir, "redis") });
    url = server.url;
  }
  // Auto-pipelining: the commands of items finishing in one tick share one write (and one read).
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
  redis.on("error", (error: Error) => log(`redis: ${error.message} (reconnecting)`));
  return {
    url,
    redis,
    close: async () => {
      redis.disconnect();
      await server?.stop();
    },
  };
}

/** The runtime's settings from the config, for every process that runs workers. */
export function runtimeSettings(config: Config): Pick<SkillRuntimeOptions, "itemConcurrency" | "lockDurationMs" | "stalledIntervalMs" | "appRateLimits"> {
  const { itemConcurrency, lockDurationMs, stalledIntervalMs, appRateLimits } = config.runtime;
  return { itemConcurrency, lockDurationMs, stalledIntervalMs, appRateLimits };
}
