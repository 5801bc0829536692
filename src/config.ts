import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { userError } from "./errors.ts";
import { isLoopbackHost } from "./http/loopback.ts";
import { LOG_LEVELS } from "./ops/logger.ts";

const positiveInt = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected a number of ${what}` })
    .int({ error: `expected a whole number of ${what}` })
    .min(min, { error: `expected at least ${min} ${what}` })
    .max(max, { error: `expected at most ${max} ${what}` });

/** The one schema for codemem's configuration: defaults < codemem.config.json < environment. */
export const configSchema = z
  .object({
    /** Where codemem keeps its own Redis data, demo drive and state. */
    dataDir: z.string().min(1).default(".codemem"),
    /** An existing Redis; without it codemem starts its own redis-server on a free loopback port. */
    redisUrl: z
      .string()
      .regex(/^rediss?(\+cluster)?:\/\//, {
        error: "expected a redis:// or rediss:// URL, or redis+cluster://host:port,host:port for a Redis Cluster",
      })
      .optional(),
    /** Namespace of every Redis key and BullMQ queue, so several codemems can share one Redis. */
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected letters, digits, _ or - (no ":")' })
      .default("codemem"),
    /**
     * People who may answer in any thread besides the requester, and change any skill's schedules and
     * versions: platform-qualified ids, e.g. slack:U0123ABCD, teams:<aadObjectId>, console:alice.
     */
    approvers: z
      .preprocess(
        (value) =>
          typeof value === "string"
            ? value
                .split(",")
                .map((name) => name.trim())
                .filter(Boolean)
            : value,
        z.array(
          z.string().regex(/^(slack|teams|console):[^\s:][^\s]*$/, {
            error: "expected platform-qualified ids such as slack:U0123ABCD, teams:<aadObjectId> or console:alice",
          }),
        ),
      )
      .default([]),
    /** Log level; default info for `codemem start` and `codemem worker`, warn for one-shot commands. */
    logLevel: z
      .enum(LOG_LEVELS, {
        error: "expected fatal, error, warn, info, debug, trace or silent",
      })
      .optional(),
    console: z
      .object({
        /** Where the console (and /healthz, /readyz, /metrics, /admin/queues) listens. */
        host: z.string().min(1).default("127.0.0.1"),
        /**
         * Unlocks the queue dashboard's actions (retry, clean, …); required, for every page but the probes,
         * when the console listens beyond loopback.
         */
        adminToken: z
          .string()
          .min(16, { error: "expected at least 16 characters (e.g. openssl rand -hex 24)" })
          .optional(),
      })
      .strict()
      .prefault({}),
    /** `{"mcpServers": …}` file; without it, ./mcp.json when present, else the demo servers. */
    mcpConfigPath: z.string().min(1).optional(),
    model: z
      .object({
        apiKey: z.string().min(1).optional(),
        baseUrl: z.url({ error: "expected an http(s) URL of an OpenAI-compatible API" }).optional(),
        name: z.string().min(1).default("gpt-4.1-mini"),
        /** Enables dense tool retrieval fused with the lexical ranker. */
        embeddingModel: z.string().min(1).optional(),
      })
      .strict()
      .prefault({}),
    discovery: z
      .object({
        /**
         * Embedding similarity as ranking features: "local" runs a small sentence encoder on the CPU
         * (src/discovery/local-embeddings.ts), "endpoint" uses model.embeddingModel on the
         * OpenAI-compatible API, "off" ranks on words alone. Default: endpoint when an embedding model
         * is set, else local.
         */
        semantic: z.enum(["local", "endpoint", "off"], { error: 'expected "local", "endpoint" or "off"' }).optional(),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        /** About how many entries the audit stream keeps; the oldest go first. */
        maxEntries: positiveInt(100, 100_000_000, "entries").default(100_000),
      })
      .strict()
      .prefault({}),
    sandbox: z
      .object({
        timeoutMs: positiveInt(100, 3_600_000, "milliseconds").default(30_000),
        memoryMb: positiveInt(8, 8192, "megabytes").default(128),
        maxOutputChars: positiveInt(200, 10_000_000, "characters").default(16_000),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        callTimeoutMs: positiveInt(100, 3_600_000, "milliseconds").default(30_000),
        connectTimeoutMs: positiveInt(100, 600_000, "milliseconds").default(15_000),
      })
      .strict()
      .prefault({}),
    runtime: z
      .object({
        itemConcurrency: positiveInt(1, 1000, "items at once").default(16),
        /** Whether `codemem start` runs skill workers itself; off when `codemem worker` processes do it. */
        inProcessWorkers: z
          .preprocess(
            (value) => (typeof value === "string" ? !/^(0|false|no|off)$/i.test(value.trim()) : value),
            z.boolean({ error: "expected true or false" }),
          )
          .default(true),
        /** How long a worker holds an item before another may take it over (after a crash). */
        lockDurationMs: positiveInt(1000, 3_600_000, "milliseconds").default(30_000),
        stalledIntervalMs: positiveInt(500, 3_600_000, "milliseconds").default(30_000),
        /** Calls per second per app across all workers, e.g. "outlook=50,onedrive=20". */
        appRateLimits: z
          .preprocess(
            (value) =>
              typeof value === "string"
                ? Object.fromEntries(
                    value
                      .split(",")
                      .filter((pair) => pair.trim() !== "")
                      .map((pair) => pair.split("=").map((part) => part.trim()))
                      .map(([app, rate]) => [app, Number(rate)]),
                  )
                : value,
            z.record(
              z.string().regex(/^[A-Za-z0-9_]+$/),
              z.number({ error: "expected app=calls-per-second pairs, e.g. outlook=50,onedrive=20" }).positive(),
            ),
          )
          .default({}),
      })
      .strict()
      .prefault({}),
    /** Port of the HTTP receivers (Slack without Socket Mode, Teams). */
    port: positiveInt(0, 65535, "port number").default(3000),
    slack: z
      .object({
        /** Bot User OAuth Token; Slack starts when it is set. */
        botToken: z
          .string()
          .regex(/^xoxb-/, { error: "expected a bot token (xoxb-…) from OAuth & Permissions" })
          .optional(),
        /** App-level token with connections:write: Socket Mode, no public URL needed. */
        appToken: z
          .string()
          .regex(/^xapp-/, { error: "expected an app-level token (xapp-…) from Basic Information" })
          .optional(),
        /** Verifies the HTTP receiver's requests (production behind a load balancer). */
        signingSecret: z.string().min(8, { error: "expected the Signing Secret from Basic Information" }).optional(),
        /** Another Web API base (GovSlack, tests), ending in /api/. */
        apiUrl: z.url({ error: "expected an http(s) URL ending in /api/" }).optional(),
        /**
         * The app has Slack's assistant features (Agents & AI Apps, scope assistant:write): in direct
         * messages the bot shows a status line while it works and streams its plan as tasks.
         */
        assistant: z
          .preprocess(
            (value) => (typeof value === "string" ? /^(1|true|yes|on)$/i.test(value.trim()) : value),
            z.boolean({ error: "expected true or false" }),
          )
          .default(false),
      })
      .strict()
      .refine(
        (slack) => slack.botToken === undefined || slack.appToken !== undefined || slack.signingSecret !== undefined,
        {
          error: "with SLACK_BOT_TOKEN set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP receiver)",
          path: ["botToken"],
        },
      )
      .prefault({}),
    teams: z
      .object({
        /** The Azure Bot's Microsoft App ID; Teams starts when it is set. */
        appId: z.string().min(1).optional(),
        /** Its client secret (not needed for a user-assigned managed identity). */
        appPassword: z.string().min(1).optional(),
        /** The tenant of a single-tenant bot. */
        appTenantId: z.string().min(1).optional(),
        appType: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
        /** Where Bot Framework signing keys are published (sovereign clouds, tests). Default: the public cloud's. */
        openIdMetadataUrl: z.url().optional(),
        /** The issuer of Bot Framework tokens (sovereign clouds, tests). Default: https://api.botframework.com. */
        tokenIssuer: z.string().min(1).optional(),
      })
      .strict()
      .refine(
        (teams) => teams.appId === undefined || teams.appType === "UserAssignedMSI" || teams.appPassword !== undefined,
        {
          error: "with MicrosoftAppId set MicrosoftAppPassword (the bot's client secret)",
          path: ["appPassword"],
        },
      )
      .refine((teams) => teams.appType !== "SingleTenant" || teams.appTenantId !== undefined, {
        error: "a SingleTenant bot needs MicrosoftAppTenantId",
        path: ["appTenantId"],
      })
      .prefault({}),
    demo: z
      .object({
        mailboxSize: positiveInt(0, 1_000_000, "messages").default(200),
        latencyMs: positiveInt(0, 60_000, "milliseconds").default(0),
        rateLimitPerSecond: z.coerce.number({ error: "expected calls per second" }).min(0).default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((config) => isLoopbackHost(config.console.host) || config.console.adminToken !== undefined, {
    error: "CODEMEM_HOST beyond loopback needs CODEMEM_ADMIN_TOKEN: the console would be open to the network",
    path: ["console", "adminToken"],
  })
  .refine((config) => config.discovery.semantic !== "endpoint" || config.model.embeddingModel !== undefined, {
    error: "CODEMEM_SEMANTIC=endpoint needs CODEMEM_EMBEDDING_MODEL (an embedding model of the OpenAI-compatible API)",
    path: ["discovery", "semantic"],
  });

export type Config = z.infer<typeof configSchema>;

/** Environment variables and the config fields they set. */
export const ENV_FIELDS: Readonly<Record<string, string>> = {
  CODEMEM_HOME: "dataDir",
  REDIS_URL: "redisUrl",
  CODEMEM_MCP_CONFIG: "mcpConfigPath",
  CODEMEM_PREFIX: "prefix",
  CODEMEM_LOG_LEVEL: "logLevel",
  CODEMEM_HOST: "console.host",
  CODEMEM_ADMIN_TOKEN: "console.adminToken",
  CODEMEM_APPROVERS: "approvers",
  OPENAI_API_KEY: "model.apiKey",
  OPENAI_BASE_URL: "model.baseUrl",
  CODEMEM_MODEL: "model.name",
  CODEMEM_EMBEDDING_MODEL: "model.embeddingModel",
  CODEMEM_SEMANTIC: "discovery.semantic",
  CODEMEM_AUDIT_MAX_ENTRIES: "audit.maxEntries",
  CODEMEM_SANDBOX_TIMEOUT_MS: "sandbox.timeoutMs",
  CODEMEM_SANDBOX_MEMORY_MB: "sandbox.memoryMb",
  CODEMEM_SANDBOX_MAX_OUTPUT: "sandbox.maxOutputChars",
  CODEMEM_MCP_CALL_TIMEOUT_MS: "mcp.callTimeoutMs",
  CODEMEM_MCP_CONNECT_TIMEOUT_MS: "mcp.connectTimeoutMs",
  CODEMEM_ITEM_CONCURRENCY: "runtime.itemConcurrency",
  CODEMEM_RUN_WORKERS: "runtime.inProcessWorkers",
  CODEMEM_LOCK_MS: "runtime.lockDurationMs",
  CODEMEM_STALLED_MS: "runtime.stalledIntervalMs",
  CODEMEM_APP_RATE_LIMITS: "runtime.appRateLimits",
  PORT: "port",
  SLACK_BOT_TOKEN: "slack.botToken",
  SLACK_APP_TOKEN: "slack.appToken",
  SLACK_SIGNING_SECRET: "slack.signingSecret",
  SLACK_API_URL: "slack.apiUrl",
  SLACK_ASSISTANT: "slack.assistant",
  MicrosoftAppId: "teams.appId",
  MicrosoftAppPassword: "teams.appPassword",
  MicrosoftAppTenantId: "teams.appTenantId",
  MicrosoftAppType: "teams.appType",
  TEAMS_OPENID_METADATA_URL: "teams.openIdMetadataUrl",
  TEAMS_TOKEN_ISSUER: "teams.tokenIssuer",
  DEMO_MAILBOX_SIZE: "demo.mailboxSize",
  DEMO_LATENCY_MS: "demo.latencyMs",
  DEMO_RATE_LIMIT: "demo.rateLimitPerSecond",
};

export interface LoadConfigOptions {
  /** Default: process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Default: ./codemem.config.json when it exists. */
  file?: string | undefined;
  /** Values that win over everything (CLI flags). */
  overrides?: Record<string, unknown> | undefined;
  cwd?: string | undefined;
}

/**
 * Reads, merges and validates the configuration. A bad value throws one user error naming the
 * field, where it came from, the value and what is allowed.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file =
    options.file ?? (existsSync(resolve(cwd, "codemem.config.json")) ? resolve(cwd, "codemem.config.json") : undefined);
  const sources = new Map<string, string>();
  const merged: Record<string, unknown> = {};

  if (file !== undefined) {
    let fromFile: unknown;
    try {
      fromFile = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      throw userError("CONFIG_INVALID", `config: cannot read ${file} as JSON (${(error as Error).message})`);
    }
    if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
      throw userError("CONFIG_INVALID", `config: ${file} must hold a JSON object`);
    }
    for (const [path, value] of flatten(fromFile as Record<string, unknown>)) {
      setPath(merged, path, value);
      sources.set(path, file);
    }
  }
  for (const [name, path] of Object.entries(ENV_FIELDS)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    setPath(merged, path, value);
    sources.set(path, name);
  }
  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(merged, path, value);
    sources.set(path, "command line");
  }

  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join(".") ?? "";
    if (issue?.code === "unrecognized_keys") {
      const where = path === "" ? "" : `${path}.`;
      throw userError(
        "CONFIG_INVALID",
        `config: unknown field ${issue.keys.map((key) => `${where}${key}`).join(", ")} in ${file ?? "config"}; known fields: ${knownFields(path)}`,
      );
    }
    // A list given as one string ("a,b") fails at an element the input never named: show the field as given.
    const segments = path.split(".");
    while (segments.length > 1 && !sources.has(segments.join("."))) segments.pop();
    const field = sources.has(segments.join(".")) ? segments.join(".") : path;
    const source = sources.get(field);
    const value = getPath(merged, field);
    // Secrets never reach a log or a terminal, not even in an error about them.
    const secret = /token|secret|apikey|password/i.test(field);
    const shown = value === undefined ? "missing" : secret ? "(set, hidden)" : JSON.stringify(value);
    throw userError(
      "CONFIG_INVALID",
      `config: ${field} = ${shown}${source ? ` (from ${source})` : ""}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

function knownFields(prefix: string): string {
  const shape = prefix === "" ? configSchema.shape : undefined;
  if (shape) return Object.keys(shape).join(", ");
  return Object.values(ENV_FIELDS)
    .filter((field) => field.startsWith(`${prefix}.`))
    .join(", ");
}

function flatten(object: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(object).flatMap(([key, value]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? flatten(value as Record<string, unknown>, path)
      : [[path, value] as [string, unknown]];
  });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
}

function getPath(source: Record<string, unknown>, path: string): unknown {
  let node: unknown = source;
  for (const key of path.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
