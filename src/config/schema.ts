import { z } from "zod";
import { isLoopbackHost } from "../http/loopback.ts";
import { LOG_LEVELS } from "./log-levels.ts";
import { slackSettings, teamsSettings } from "./platform-settings.ts";
import { commaList, flag, positiveInt, setting } from "./settings.ts";

/** The one schema for codemem's configuration: defaults < codemem.config.json < environment < flags. */
export const configSchema = z
  .object({
    dataDir: z
      .string()
      .min(1)
      .default(".codemem")
      .meta(setting("CODEMEM_HOME", "Where codemem keeps its own Redis data, the demo drive and caches.")),
    redisUrl: z
      .string()
      .regex(/^rediss?(\+cluster)?:\/\//, {
        error: "expected a redis:// or rediss:// URL, or redis+cluster://host:port,host:port for a Redis Cluster",
      })
      .optional()
      .meta(
        setting(
          "REDIS_URL",
          "An existing Redis (`redis[s]://[user:pass@]host:port[/db]`) or Redis Cluster (`redis[s]+cluster://host:port,host:port`, its seed nodes).",
          { defaultText: "codemem's own redis-server on a free loopback port (AOF in the data dir)" },
        ),
      ),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected letters, digits, _ or - (no ":")' })
      .default("codemem")
      .meta(
        setting(
          "CODEMEM_PREFIX",
          "Namespace of every Redis key and BullMQ queue, so several codemems can share one Redis (hash-tagged on a cluster).",
        ),
      ),
    approvers: commaList(
      z.string().regex(/^[a-z][a-z0-9_-]*:[^\s:][^\s]*$/, {
        error: "expected platform-qualified ids such as slack:U0123ABCD, teams:<aadObjectId> or console:alice",
      }),
    )
      .default([])
      .meta(
        setting(
          "CODEMEM_APPROVERS",
          "People who may answer in any thread besides the requester, and change any skill's schedules and versions: platform-qualified ids, comma-separated (`slack:U0123ABCD`, a Slack user group `slack:S…`, `teams:<aadObjectId>`, `console:alice`). The platforms are those codemem has adapters for.",
          { defaultText: "none: only the requester answers their session" },
        ),
      ),
    logLevel: z
      .enum(LOG_LEVELS, { error: "expected fatal, error, warn, info, debug, trace or silent" })
      .optional()
      .meta(
        setting("CODEMEM_LOG_LEVEL", "fatal, error, warn, info, debug, trace or silent (JSON lines on stderr).", {
          defaultText: "info for `start` and `worker`, warn for one-shot commands",
        }),
      ),
    debug: flag()
      .default(false)
      .meta(setting("CODEMEM_DEBUG", "Log at debug level (CODEMEM_LOG_LEVEL wins when both are set).")),
    console: z
      .object({
        host: z
          .string()
          .min(1)
          .default("127.0.0.1")
          .meta(
            setting(
              "CODEMEM_HOST",
              "Where the console (and /healthz, /readyz, /metrics, /admin/queues) listens; beyond loopback it needs CODEMEM_ADMIN_TOKEN.",
            ),
          ),
        port: positiveInt(0, 65535, "port number")
          .default(3977)
          .meta(setting("CODEMEM_PORT", "The console's port (`codemem start --port` wins); 0 picks a free one.")),
        adminToken: z
          .string()
          .min(16, { error: "expected at least 16 characters (e.g. openssl rand -hex 24)" })
          .optional()
          .meta(
            setting(
              "CODEMEM_ADMIN_TOKEN",
              "Unlocks the queue dashboard's actions; required, for every page but the probes, when the console listens beyond loopback.",
              { secret: true },
            ),
          ),
      })
      .strict()
      .prefault({}),
    serveMcp: z
      .object({
        token: z
          .string()
          .min(16, { error: "expected at least 16 characters (e.g. openssl rand -hex 24)" })
          .optional()
          .meta(
            setting(
              "CODEMEM_MCP_TOKEN",
              "Serves the approved skills as MCP tools at `/mcp` on the console's port (streamable HTTP), to clients sending it as `Authorization: Bearer …`.",
              { secret: true, defaultText: "none: /mcp is off (`codemem mcp` over stdio still works)" },
            ),
          ),
        caller: z
          .string()
          .regex(/^[a-z][a-z0-9_-]*:[^\s:][^\s]*$/, {
            error: "expected a platform-qualified id such as slack:U0123ABCD or console:alice",
          })
          .default("console:mcp")
          .meta(
            setting(
              "CODEMEM_MCP_CALLER",
              "Whom MCP calls run as (over /mcp and `codemem mcp`): the person the token is for, under their run limits; runs show them as requester.",
            ),
          ),
        waitSeconds: positiveInt(1, 3600, "seconds")
          .default(50)
          .meta(
            setting(
              "CODEMEM_MCP_WAIT_SECONDS",
              "How long a tool call waits for its run; past it the call returns the run so far and `codemem_run_status` reads the rest (most clients give up after 60 s).",
            ),
          ),
      })
      .strict()
      .prefault({}),
    mcpConfigPath: z
      .string()
      .min(1)
      .optional()
      .meta(
        setting("CODEMEM_MCP_CONFIG", 'An `{"mcpServers": …}` file (`--mcp` wins).', {
          defaultText: "`./mcp.json` when present, else the demo servers",
        }),
      ),
    model: z
      .object({
        apiKey: z
          .string()
          .min(1)
          .optional()
          .meta(
            setting("OPENAI_API_KEY", "The model's API key.", {
              secret: true,
              defaultText: "none: the agent is the replay of the paper's example, labelled demo",
            }),
          ),
        baseUrl: z
          .url({ error: "expected an http(s) URL of an OpenAI-compatible API" })
          .optional()
          .meta(setting("OPENAI_BASE_URL", "Any OpenAI-compatible API: Azure, Ollama, vLLM…")),
        name: z.string().min(1).default("gpt-4.1-mini").meta(setting("CODEMEM_MODEL", "The chat model.")),
        embeddingModel: z
          .string()
          .min(1)
          .optional()
          .meta(
            setting(
              "CODEMEM_EMBEDDING_MODEL",
              "An embedding model of the OpenAI-compatible API, for tool search (CODEMEM_SEMANTIC=endpoint).",
            ),
          ),
      })
      .strict()
      .prefault({}),
    discovery: z
      .object({
        semantic: z
          .enum(["local", "endpoint", "off"], { error: 'expected "local", "endpoint" or "off"' })
          .optional()
          .meta(
            setting(
              "CODEMEM_SEMANTIC",
              "Embedding similarity in tool search: `local` (a small sentence encoder on the CPU), `endpoint` (CODEMEM_EMBEDDING_MODEL) or `off` (words alone).",
              { defaultText: "endpoint when an embedding model is set, else local" },
            ),
          ),
      })
      .strict()
      .prefault({}),
    audit: z
      .object({
        maxEntries: positiveInt(100, 100_000_000, "entries")
          .default(100_000)
          .meta(
            setting("CODEMEM_AUDIT_MAX_ENTRIES", "About how many entries the audit stream keeps; the oldest go first."),
          ),
      })
      .strict()
      .prefault({}),
    sandbox: z
      .object({
        timeoutMs: positiveInt(100, 3_600_000, "milliseconds")
          .default(30_000)
          .meta(
            setting("CODEMEM_SANDBOX_TIMEOUT_MS", "Wall limit of a sandbox run (`codemem exec --timeout-ms` wins)."),
          ),
        memoryMb: positiveInt(8, 8192, "megabytes")
          .default(128)
          .meta(
            setting("CODEMEM_SANDBOX_MEMORY_MB", "Heap limit of a sandbox isolate (`codemem exec --memory-mb` wins)."),
          ),
        maxOutputChars: positiveInt(200, 10_000_000, "characters")
          .default(16_000)
          .meta(setting("CODEMEM_SANDBOX_MAX_OUTPUT", "Console output a run keeps (head and tail).")),
      })
      .strict()
      .prefault({}),
    mcp: z
      .object({
        callTimeoutMs: positiveInt(100, 3_600_000, "milliseconds")
          .default(30_000)
          .meta(setting("CODEMEM_MCP_CALL_TIMEOUT_MS", "How long one MCP tool call may take.")),
        connectTimeoutMs: positiveInt(100, 600_000, "milliseconds")
          .default(15_000)
          .meta(setting("CODEMEM_MCP_CONNECT_TIMEOUT_MS", "How long an MCP server may take to connect.")),
      })
      .strict()
      .prefault({}),
    runtime: z
      .object({
        itemConcurrency: positiveInt(1, 1000, "items at once")
          .default(16)
          .meta(setting("CODEMEM_ITEM_CONCURRENCY", "Items one process runs at once.")),
        inProcessWorkers: flag()
          .default(true)
          .meta(
            setting(
              "CODEMEM_RUN_WORKERS",
              "Whether `codemem start` runs skill workers itself; off when `codemem worker` processes do it.",
            ),
          ),
        lockDurationMs: positiveInt(1000, 3_600_000, "milliseconds")
          .default(30_000)
          .meta(
            setting(
              "CODEMEM_LOCK_MS",
              "How long a worker holds an item before another may take it over (after a crash).",
            ),
          ),
        stalledIntervalMs: positiveInt(500, 3_600_000, "milliseconds")
          .default(30_000)
          .meta(setting("CODEMEM_STALLED_MS", "How often workers look for items whose worker died.")),
        schedulePauseAfter: positiveInt(0, 1000, "failed runs")
          .default(3)
          .meta(
            setting(
              "CODEMEM_SCHEDULE_PAUSE_AFTER",
              "Failed firings in a row (failed, stopped, or with failed items) after which a schedule pauses itself and tells its thread; 0: never (a schema drift pauses it at once).",
            ),
          ),
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
          .default({})
          .meta(
            setting(
              "CODEMEM_APP_RATE_LIMITS",
              "Calls per second per app across all workers, e.g. `outlook=50,onedrive=20` (429s are honoured anyway).",
            ),
          ),
      })
      .strict()
      .prefault({}),
    limits: z
      .object({
        sessionsPerHour: positiveInt(0, 1_000_000, "sessions")
          .default(20)
          .meta(setting("CODEMEM_LIMIT_SESSIONS_PER_HOUR", "Sessions one person may start an hour (0: no limit).")),
        modelTokensPerDay: positiveInt(0, 1e12, "tokens")
          .default(2_000_000)
          .meta(
            setting(
              "CODEMEM_LIMIT_MODEL_TOKENS_PER_DAY",
              "Model tokens one person's sessions may use a day, prompt and completion (0: no limit).",
            ),
          ),
        runsPerHour: positiveInt(0, 1_000_000, "runs")
          .default(60)
          .meta(
            setting(
              "CODEMEM_LIMIT_RUNS_PER_HOUR",
              "Runs one person may start an hour (`/codemem run`, Approve; schedules' firings are not counted).",
            ),
          ),
        concurrentRunsPerSkill: positiveInt(0, 10_000, "runs")
          .default(10)
          .meta(setting("CODEMEM_LIMIT_CONCURRENT_RUNS", "Runs of one skill going at once (0: no limit).")),
        workspaceModelTokensPerDay: positiveInt(0, 1e13, "tokens")
          .default(50_000_000)
          .meta(
            setting(
              "CODEMEM_LIMIT_WORKSPACE_MODEL_TOKENS_PER_DAY",
              "Model tokens everyone's sessions together may use a day (0: no limit).",
            ),
          ),
      })
      .strict()
      .prefault({}),
    retention: z
      .object({
        sessionIdleDays: positiveInt(1, 36_500, "days")
          .default(30)
          .meta(
            setting(
              "CODEMEM_RETAIN_SESSION_DAYS",
              "A session idle this long is archived: a summary kept (who, when, the task, the skill it made), its messages dropped.",
            ),
          ),
        archivedSessionDays: positiveInt(1, 36_500, "days")
          .default(90)
          .meta(setting("CODEMEM_RETAIN_ARCHIVED_SESSION_DAYS", "An archived session is deleted this long after.")),
        runDays: positiveInt(1, 36_500, "days")
          .default(90)
          .meta(
            setting(
              "CODEMEM_RETAIN_RUN_DAYS",
              "A run's record (its summary and counts, /codemem status) is kept this long.",
            ),
          ),
        runDetailDays: positiveInt(1, 36_500, "days")
          .default(7)
          .meta(
            setting(
              "CODEMEM_RETAIN_RUN_DETAIL_DAYS",
              "A finished run's per-item detail (keys counted, last errors) is kept this long.",
            ),
          ),
        platformDays: positiveInt(1, 36_500, "days")
          .default(365)
          .meta(
            setting(
              "CODEMEM_RETAIN_PLATFORM_DAYS",
              "What an adapter keeps of a conversation (console threads, Teams conversation references) is dropped after this long unused.",
            ),
          ),
        dayMs: positiveInt(1000, 86_400_000, "milliseconds")
          .default(86_400_000)
          .meta(
            setting(
              "CODEMEM_RETAIN_DAY_MS",
              "How long a day is for every lifetime here and the fixed ones (event ids 1 day, journals 7, chat message states 30); only tests and the soak shorten it.",
            ),
          ),
        scheduledRunsKept: positiveInt(1, 1_000_000, "jobs")
          .default(1000)
          .meta(
            setting(
              "CODEMEM_RETAIN_SCHEDULED_RUNS",
              "Finished firings of schedules kept in BullMQ's runs queue, as runs started by hand keep 1,000; older ones go.",
            ),
          ),
      })
      .strict()
      .prefault({}),
    port: positiveInt(0, 65535, "port number")
      .default(3000)
      .meta(setting("PORT", "Port of the chat platforms' HTTP receivers: Slack without Socket Mode, Teams.")),
    slack: slackSettings,
    teams: teamsSettings,
    demo: z
      .object({
        mailboxSize: positiveInt(0, 1_000_000, "messages")
          .default(200)
          .meta(setting("DEMO_MAILBOX_SIZE", "Messages in the demo Outlook mailbox.")),
        latencyMs: positiveInt(0, 60_000, "milliseconds")
          .default(0)
          .meta(setting("DEMO_LATENCY_MS", "Added latency of every demo tool call.")),
        rateLimitPerSecond: z.coerce
          .number({ error: "expected calls per second" })
          .min(0)
          .default(0)
          .meta(
            setting("DEMO_RATE_LIMIT", "Calls per second each demo server admits before answering 429 (0: no limit)."),
          ),
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
