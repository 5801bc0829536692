import type { ChatModel } from "../agent/deps.ts";
import { SessionStore } from "../agent/session.ts";
import { Outbox } from "../chat/outbox.ts";
import type { Config } from "../config/schema.ts";
import { RunReporter } from "../core/run-reporter.ts";
import { archiveReplayScript } from "../demo/replay-script.ts";
import { createOpenAiClient, openAiClientFromConfig } from "../model/client.ts";
import { startLocalOpenAiServer } from "../model/local-openai-server.ts";
import { AuditLog } from "../ops/audit.ts";
import type { Logger } from "../ops/logger.ts";
import { Metrics } from "../ops/metrics.ts";
import { SkillRuntime } from "../runtime/runtime.ts";
import { IsolatedSandbox } from "../sandbox/runner.ts";
import { Quotas } from "../limits/quotas.ts";
import { secretsOf } from "../ops/logger.ts";
import { Scrubber } from "../ops/scrub.ts";
import { installShippedSkills } from "../skills/shipped.ts";
import { SkillStore } from "../skills/store.ts";
import { SkillServers } from "../skill-server/servers.ts";
import { parseUserKey } from "../ui/user.ts";
import { type DiscoverySetup, setUpDiscovery } from "./discovery.ts";
import { type McpSetup, setUpMcp } from "./mcp.ts";
import { type ConnectedRedis, connectRedis } from "./redis.ts";

export interface CompositionOptions {
  config: Config;
  /** The process's log; every part logs into it. */
  log: Logger;
  /** `--mcp <file>`: these MCP servers instead of the config's. Default: the config's (see setUpMcp). */
  mcpFile?: string | undefined;
  /** With the demo servers, whether the demo catalog (thousands of tools over HTTP) starts too. Default: true. */
  demoCatalog?: boolean | undefined;
  /** This process's Prometheus metrics. Default: new ones. */
  metrics?: Metrics | undefined;
  /** How long one part may take to close before shutdown moves on (patient ones excepted). Default: 5,000 ms. */
  closeTimeoutMs?: number | undefined;
}

/** The model a turn talks to: the configured one, or the replay of the paper's example without a key. */
export interface AppModel {
  client: ChatModel;
  /** The model name each request names ("replay" for the replay). */
  name: string;
  kind: "replay" | "openai";
}

/**
 * The one wiring of codemem's core, for every process: config → Redis, the MCP pool, the sandbox, the
 * model, the stores, the outbox, the runtime. A part is opened the first time a caller asks for it (with
 * what it needs, once), so each command opens only what it serves: `codemem exec` a pool and a sandbox,
 * `codemem worker` the runtime, `npm start` all of it (src/compose/app.ts adds the Bot and the adapters).
 * `close` closes what was opened, the last opened first.
 */
export class Composition {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  private readonly options: CompositionOptions;
  private readonly parts = new Map<string, Promise<unknown>>();
  private readonly closers: { name: string; close: () => Promise<void>; patient: boolean }[] = [];

  constructor(options: CompositionOptions) {
    this.options = options;
    this.config = options.config;
    this.log = options.log;
    this.metrics = options.metrics ?? new Metrics();
  }

  /**
   * The fixed lifetimes, in the retention's days: event ids 1, journals 7, chat message states 30 (or
   * the platforms' retention when shorter: a message's state outlives nothing of its conversation).
   */
  get lifetimes(): { eventSeconds: number; journalSeconds: number; messageSeconds: number } {
    const { dayMs, platformDays } = this.config.retention;
    const day = dayMs / 1000;
    return {
      eventSeconds: Math.ceil(day),
      journalSeconds: Math.ceil(7 * day),
      messageSeconds: Math.ceil(Math.min(30, platformDays) * day),
    };
  }

  /** REDIS_URL's Redis, or a redis-server of this process's own under the data dir. */
  redis(): Promise<ConnectedRedis> {
    return this.part("redis", async () => {
      const connected = await connectRedis(this.config, this.log);
      return { value: connected, close: connected.close };
    });
  }

  /** The MCP servers (connected lazily, app by app). */
  mcp(): Promise<McpSetup> {
    return this.part("mcp", async () => {
      const mcp = await setUpMcp(this.config, this.options.mcpFile, {
        withCatalog: this.options.demoCatalog,
        log: this.log,
      });
      return { value: mcp, close: () => mcp.close() };
    });
  }

  /** One sandbox for probes and skill runs: its warm realms serve both. */
  sandbox(): Promise<IsolatedSandbox> {
    return this.part("sandbox", async () => {
      const sandbox = new IsolatedSandbox({ defaults: this.config.sandbox });
      return { value: sandbox, close: () => sandbox.close() };
    });
  }

  /** Approved skills, with the shipped ones installed when missing. */
  skills(): Promise<SkillStore> {
    return this.part("skills", async () => {
      const { redis, prefix } = await this.redis();
      const skills = new SkillStore(redis, prefix);
      for (const name of await installShippedSkills(skills))
        this.log.info({ skill: name }, "installed a shipped skill");
      return { value: skills };
    });
  }

  sessions(): Promise<SessionStore> {
    return this.part("sessions", async () => {
      const { redis, prefix } = await this.redis();
      return { value: new SessionStore(redis, prefix) };
    });
  }

  /** The per-person and install-wide limits (config `limits`), shared through Redis. */
  quotas(): Promise<Quotas> {
    return this.part("quotas", async () => {
      const { redis, prefix } = await this.redis();
      return { value: new Quotas(redis, prefix, this.config.limits, this.metrics) };
    });
  }

  /**
   * The approved skills as MCP servers (`/mcp`, `codemem mcp`): calls run on the runtime's queues as
   * CODEMEM_MCP_CALLER, and every live server hears of each save or rollback in any process.
   */
  skillServers(): Promise<SkillServers> {
    return this.part("skill servers", async () => {
      const [{ redis }, skills, runtime] = await Promise.all([this.redis(), this.skills(), this.runtime()]);
      const { caller, waitSeconds } = this.config.serveMcp;
      const subscriber = redis.duplicate();
      // The app's own connection already reports a Redis outage; this one only reconnects quietly.
      subscriber.on("error", () => {});
      const servers = new SkillServers(
        {
          skills,
          runtime,
          caller: parseUserKey(caller) ?? { platform: "console", id: "mcp" },
          waitMs: waitSeconds * 1000,
          log: this.log,
        },
        subscriber,
      );
      await servers.start();
      return { value: servers, close: () => servers.close() };
    });
  }

  /** Who approved, ran and changed what (a Redis Stream). */
  audit(): Promise<AuditLog> {
    return this.part("audit", async () => {
      const { redis, prefix } = await this.redis();
      return { value: new AuditLog(redis, prefix, this.config.audit.maxEntries) };
    });
  }

  /** The core's way to talk: every post and update is a delivery job for the process holding the adapter. */
  outbox(): Promise<Outbox> {
    return this.part("outbox", async () => {
      const { connection, redis, prefix } = await this.redis();
      const outbox = new Outbox({
        connection,
        redis,
        prefix,
        scrubber: new Scrubber(secretsOf(this.config)),
        messageTtlSeconds: this.lifetimes.messageSeconds,
      });
      return { value: outbox, close: () => outbox.close() };
    });
  }

  /** Runs approved skills (no model); runs started from a thread report there through the outbox. */
  runtime(): Promise<SkillRuntime> {
    return this.part("runtime", async () => {
      const { connection, redis, prefix } = await this.redis();
      const [mcp, sandbox, skills, outbox, audit, quotas] = await Promise.all([
        this.mcp(),
        this.sandbox(),
        this.skills(),
        this.outbox(),
        this.audit(),
        this.quotas(),
      ]);
      const { itemConcurrency, lockDurationMs, stalledIntervalMs, appRateLimits } = this.config.runtime;
      const runtime = new SkillRuntime({
        connection,
        redis,
        prefix,
        skills,
        tools: mcp.pool,
        sandbox,
        observer: new RunReporter({
          redis,
          prefix,
          surface: outbox,
          owners: (skill) => skills.owners(skill),
          log: this.log,
        }),
        schedulePauseAfter: this.config.runtime.schedulePauseAfter,
        itemConcurrency,
        lockDurationMs,
        stalledIntervalMs,
        appRateLimits,
        audit,
        quotas,
        scheduledRunsKept: this.config.retention.scheduledRunsKept,
        journalTtlSeconds: this.lifetimes.journalSeconds,
        metrics: this.metrics,
        log: this.log,
      });
      return { value: runtime, close: () => runtime.close() };
    });
  }

  /**
   * The tool catalog and search over the MCP servers. Vectors are cached in this composition's Redis when
   * it has opened one already (a one-shot search does not start a redis-server for a cache).
   */
  discovery(): Promise<DiscoverySetup> {
    return this.part("discovery", async () => {
      const mcp = await this.mcp();
      const shared = this.parts.has("redis") ? await this.redis() : undefined;
      const discovery = await setUpDiscovery(this.config, mcp.pool, this.log, shared);
      return { value: discovery, close: () => discovery.close() };
    });
  }

  /** The configured model, or (without OPENAI_API_KEY) a local server replaying the paper's example. */
  model(): Promise<AppModel> {
    return this.part<AppModel>("model", async () => {
      const client = this.config.model.apiKey !== undefined ? openAiClientFromConfig(this.config) : undefined;
      if (client !== undefined) return { value: { client, name: this.config.model.name, kind: "openai" } };
      const server = await startLocalOpenAiServer({ script: archiveReplayScript() });
      const replay = createOpenAiClient({ baseUrl: server.baseUrl });
      return { value: { client: replay, name: "replay", kind: "replay" }, close: () => server.close() };
    });
  }

  /**
   * Something a caller opened beside the core parts (workers, adapters), closed with them. `patient`:
   * wait for it however long it takes (skill workers of `codemem worker` finishing the items in hand).
   */
  adopt(name: string, close: () => Promise<void> | void, options: { patient?: boolean } = {}): void {
    this.closers.push({ name, close: async () => close(), patient: options.patient === true });
  }

  /**
   * Closes everything opened, the last opened first (a part closes before what it was made from). A
   * part slow to close (unless adopted as patient) is left after `closeTimeoutMs`: a BullMQ worker whose
   * Redis went away and came back may never finish closing (bullmq#4656), and what it held goes with the
   * process.
   */
  async close(): Promise<void> {
    // A part still opening closes with the rest.
    await Promise.allSettled(this.parts.values());
    for (const { name, close, patient } of this.closers.splice(0).reverse()) {
      const closing = close().catch((error: unknown) =>
        this.log.warn({ part: name, err: (error as Error).message }, "closing a part failed"),
      );
      if (patient) {
        await closing;
        continue;
      }
      const timeoutMs = this.options.closeTimeoutMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), timeoutMs);
      });
      const outcome = await Promise.race([closing, late]);
      clearTimeout(timer);
      if (outcome === "late") this.log.warn({ part: name, timeoutMs }, "a part was slow to close; moving on");
    }
    this.parts.clear();
  }

  /** A part opened once, however many callers ask at once; its closer is kept in the order it opened. */
  private part<T>(name: string, open: () => Promise<{ value: T; close?: () => Promise<void> | void }>): Promise<T> {
    let known = this.parts.get(name) as Promise<T> | undefined;
    if (known === undefined) {
      known = open().then(({ value, close }) => {
        if (close !== undefined) this.adopt(name, close);
        return value;
      });
      this.parts.set(name, known);
    }
    return known;
  }
}
