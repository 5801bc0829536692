import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_FIELDS, valueAtPath } from "../../src/config/fields.ts";
import { loadConfig } from "../../src/config/load.ts";
import { configTable, withConfigTable } from "../../src/config/reference.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("the configuration's fields", () => {
  it("should name one environment variable beside every setting, each once", () => {
    const envs = CONFIG_FIELDS.map((field) => field.env);
    expect(new Set(envs).size).toBe(envs.length);
    expect(CONFIG_FIELDS.every((field) => field.doc.length > 10)).toBe(true);
    // Every leaf of the defaults is a setting someone can set: nothing configurable is left unnamed.
    const leaves = (value: unknown, path: string): string[] =>
      typeof value === "object" && value !== null && !Array.isArray(value) && !path.endsWith("appRateLimits")
        ? Object.entries(value).flatMap(([key, child]) => leaves(child, path === "" ? key : `${path}.${key}`))
        : [path];
    const paths = new Set(CONFIG_FIELDS.map((field) => field.path));
    expect(leaves(loadConfig({ env: {}, cwd: "/nonexistent" }), "").filter((path) => !paths.has(path))).toEqual([]);
  });

  it("should read each variable into its field", () => {
    // A value for every variable, none of them the default.
    const env: Record<string, string> = {
      CODEMEM_HOME: "/srv/codemem",
      REDIS_URL: "redis://127.0.0.1:6390",
      CODEMEM_PREFIX: "team-a",
      CODEMEM_APPROVERS: "console:boss",
      CODEMEM_LOG_LEVEL: "debug",
      CODEMEM_DEBUG: "1",
      CODEMEM_HOST: "0.0.0.0",
      CODEMEM_PORT: "4000",
      CODEMEM_ADMIN_TOKEN: "0123456789abcdef",
      CODEMEM_MCP_CONFIG: "servers.json",
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:1/v1",
      CODEMEM_MODEL: "gpt-5",
      CODEMEM_EMBEDDING_MODEL: "text-embedding-3-small",
      CODEMEM_SEMANTIC: "endpoint",
      CODEMEM_AUDIT_MAX_ENTRIES: "500",
      CODEMEM_SANDBOX_TIMEOUT_MS: "5000",
      CODEMEM_SANDBOX_MEMORY_MB: "64",
      CODEMEM_SANDBOX_MAX_OUTPUT: "500",
      CODEMEM_MCP_CALL_TIMEOUT_MS: "5000",
      CODEMEM_MCP_CONNECT_TIMEOUT_MS: "5000",
      CODEMEM_ITEM_CONCURRENCY: "4",
      CODEMEM_RUN_WORKERS: "0",
      CODEMEM_LOCK_MS: "5000",
      CODEMEM_STALLED_MS: "5000",
      CODEMEM_SCHEDULE_PAUSE_AFTER: "5",
      CODEMEM_MCP_TOKEN: "a-token-of-sixteen-or-more",
      CODEMEM_MCP_CALLER: "slack:U0AGENT",
      CODEMEM_MCP_WAIT_SECONDS: "20",
      CODEMEM_APP_RATE_LIMITS: "outlook=5",
      PORT: "4001",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_APP_TOKEN: "xapp-1",
      SLACK_SIGNING_SECRET: "0123456789",
      SLACK_API_URL: "http://127.0.0.1:1/api/",
      SLACK_ASSISTANT: "0",
      SLACK_WORKSPACES: "T0123, E0456",
      SLACK_ALLOW_EXTERNAL: "yes",
      MicrosoftAppId: "app",
      MicrosoftAppPassword: "secret-1",
      MicrosoftAppTenantId: "tenant",
      MicrosoftAppType: "SingleTenant",
      TEAMS_TENANTS: "tenant, tenant-2",
      TEAMS_OPENID_METADATA_URL: "http://127.0.0.1:1/meta",
      TEAMS_TOKEN_ISSUER: "https://issuer.test",
      CODEMEM_LIMIT_SESSIONS_PER_HOUR: "5",
      CODEMEM_LIMIT_MODEL_TOKENS_PER_DAY: "1000",
      CODEMEM_LIMIT_RUNS_PER_HOUR: "7",
      CODEMEM_LIMIT_CONCURRENT_RUNS: "2",
      CODEMEM_LIMIT_WORKSPACE_MODEL_TOKENS_PER_DAY: "9000",
      CODEMEM_RETAIN_SESSION_DAYS: "3",
      CODEMEM_RETAIN_ARCHIVED_SESSION_DAYS: "4",
      CODEMEM_RETAIN_RUN_DAYS: "5",
      CODEMEM_RETAIN_RUN_DETAIL_DAYS: "2",
      CODEMEM_RETAIN_PLATFORM_DAYS: "6",
      CODEMEM_RETAIN_SCHEDULED_RUNS: "50",
      CODEMEM_RETAIN_DAY_MS: "60000",
      DEMO_MAILBOX_SIZE: "5",
      DEMO_LATENCY_MS: "5",
      DEMO_RATE_LIMIT: "5",
    };
    expect(Object.keys(env).sort()).toEqual(CONFIG_FIELDS.map((field) => field.env).sort());
    const set = loadConfig({ env, cwd: "/nonexistent" });
    const defaults = loadConfig({ env: {}, cwd: "/nonexistent" });
    for (const field of CONFIG_FIELDS)
      expect(valueAtPath(set, field.path), field.env).not.toEqual(valueAtPath(defaults, field.path));
  });
});

describe("the README's configuration table", () => {
  it("should be the one generated from the schema (npm run docs regenerates it)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(withConfigTable(readme)).toBe(readme);
    for (const field of CONFIG_FIELDS) expect(configTable()).toContain(`| \`${field.env}\` | \`${field.path}\` |`);
  });
});
