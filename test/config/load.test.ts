import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { tempStateDir } from "../helpers/demo.ts";

describe("loadConfig", () => {
  const dirs: ReturnType<typeof tempStateDir>[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.cleanup();
  });
  const fileWith = (content: string) => {
    const dir = tempStateDir("codemem-config-");
    dirs.push(dir);
    const path = join(dir.dir, "codemem.config.json");
    writeFileSync(path, content);
    return path;
  };
  const failure = (fn: () => unknown): string => {
    try {
      fn();
    } catch (error) {
      expect((error as { code: string }).code).toBe("CONFIG_INVALID");
      return (error as Error).message;
    }
    throw new Error("expected a config error");
  };

  it("should have working defaults with no env and no file", () => {
    const config = loadConfig({ env: {}, cwd: "/nonexistent" });
    expect(config).toMatchObject({
      dataDir: ".codemem",
      sandbox: { timeoutMs: 30_000, memoryMb: 128 },
      demo: { mailboxSize: 200 },
    });
    expect(config.redisUrl).toBeUndefined();
  });

  it("should read per-app rate limits as app=rate pairs", () => {
    expect(loadConfig({ env: { CODEMEM_APP_RATE_LIMITS: "outlook=50, onedrive=2.5" } }).runtime.appRateLimits).toEqual({
      outlook: 50,
      onedrive: 2.5,
    });
    expect(() => loadConfig({ env: { CODEMEM_APP_RATE_LIMITS: "outlook=fast" } })).toThrow(
      /runtime\.appRateLimits\.outlook = "outlook=fast" \(from CODEMEM_APP_RATE_LIMITS\)|runtime\.appRateLimits/,
    );
  });

  it("should read approvers as a comma-separated list of platform-qualified ids", () => {
    expect(
      loadConfig({ env: { CODEMEM_APPROVERS: "slack:U0123ABCD, teams:8f1c-22 ,console:boss,," } }).approvers,
    ).toEqual(["slack:U0123ABCD", "teams:8f1c-22", "console:boss"]);
    expect(loadConfig({ env: {} }).approvers).toEqual([]);
    // A bare name would match nobody on any platform: one line that says what to write instead.
    expect(() => loadConfig({ env: { CODEMEM_APPROVERS: "boss" } })).toThrow(
      /^config: approvers = "boss" \(from CODEMEM_APPROVERS\): expected platform-qualified ids such as slack:U0123ABCD/,
    );
  });

  it("should serve the bot's own Teams tenant by default, and ask a MultiTenant bot which tenants it serves", () => {
    const bot = { MicrosoftAppId: "app", MicrosoftAppPassword: "secret-1" };
    expect(() => loadConfig({ env: bot })).toThrow(
      /^config: teams\.tenants .*set TEAMS_TENANTS to the tenant ids whose people this MultiTenant bot serves \(or \* for any tenant\)/,
    );
    expect(loadConfig({ env: { ...bot, TEAMS_TENANTS: "t-1,t-2" } }).teams.tenants).toEqual(["t-1", "t-2"]);
    expect(loadConfig({ env: { ...bot, MicrosoftAppTenantId: "t-1" } }).teams.tenants).toBeUndefined();
    expect(() => loadConfig({ env: { SLACK_WORKSPACES: "acme" } })).toThrow(/expected Slack team ids \(T…\)/);
  });

  it("should layer defaults < file < env < flags", () => {
    const file = fileWith(JSON.stringify({ sandbox: { memoryMb: 64, timeoutMs: 5000 }, demo: { mailboxSize: 10 } }));
    const config = loadConfig({
      env: { CODEMEM_SANDBOX_MEMORY_MB: "96" },
      file,
      overrides: { "sandbox.timeoutMs": "7000" },
    });
    expect(config.sandbox).toMatchObject({ memoryMb: 96, timeoutMs: 7000 });
    expect(config.demo.mailboxSize).toBe(10);
  });

  it("should name the field, its source, the value and what is allowed in one line", () => {
    const message = failure(() => loadConfig({ env: { CODEMEM_SANDBOX_MEMORY_MB: "lots" } }));
    expect(message).toBe(
      'config: sandbox.memoryMb = "lots" (from CODEMEM_SANDBOX_MEMORY_MB): expected a number of megabytes',
    );
    expect(failure(() => loadConfig({ env: { REDIS_URL: "localhost:6379" } }))).toContain(
      "expected a redis:// or rediss:// URL",
    );
    expect(failure(() => loadConfig({ env: {}, overrides: { "sandbox.memoryMb": "4" } }))).toContain(
      "(from command line): expected at least 8 megabytes",
    );
  });

  it("should reject unknown fields and unreadable files", () => {
    expect(failure(() => loadConfig({ env: {}, file: fileWith(JSON.stringify({ sandbox: { memMb: 3 } })) }))).toMatch(
      /unknown field sandbox\.memMb.*known fields: sandbox\.timeoutMs/,
    );
    expect(failure(() => loadConfig({ env: {}, file: fileWith("{ nope") }))).toMatch(/cannot read .* as JSON/);
  });

  it("should take the semantic signal's source and say what an endpoint needs", () => {
    expect(loadConfig({ env: {} }).discovery.semantic).toBeUndefined();
    expect(loadConfig({ env: { CODEMEM_SEMANTIC: "off" } }).discovery.semantic).toBe("off");
    expect(failure(() => loadConfig({ env: { CODEMEM_SEMANTIC: "bert" } }))).toBe(
      'config: discovery.semantic = "bert" (from CODEMEM_SEMANTIC): expected "local", "endpoint" or "off"',
    );
    expect(failure(() => loadConfig({ env: { CODEMEM_SEMANTIC: "endpoint" } }))).toContain(
      "CODEMEM_SEMANTIC=endpoint needs CODEMEM_EMBEDDING_MODEL",
    );
  });

  it("should take the log level, and refuse a console open beyond loopback without an admin token", () => {
    expect(loadConfig({ env: { CODEMEM_LOG_LEVEL: "debug" } }).logLevel).toBe("debug");
    expect(failure(() => loadConfig({ env: { CODEMEM_LOG_LEVEL: "verbose" } }))).toBe(
      'config: logLevel = "verbose" (from CODEMEM_LOG_LEVEL): expected fatal, error, warn, info, debug, trace or silent',
    );
    expect(loadConfig({ env: {} }).console).toEqual({ host: "127.0.0.1", port: 3977 });
    expect(failure(() => loadConfig({ env: { CODEMEM_HOST: "0.0.0.0" } }))).toContain(
      "CODEMEM_HOST beyond loopback needs CODEMEM_ADMIN_TOKEN",
    );
    expect(failure(() => loadConfig({ env: { CODEMEM_ADMIN_TOKEN: "short" } }))).toContain("at least 16 characters");
    const open = loadConfig({ env: { CODEMEM_HOST: "0.0.0.0", CODEMEM_ADMIN_TOKEN: "0123456789abcdef0123" } });
    expect(open.console).toEqual({ host: "0.0.0.0", port: 3977, adminToken: "0123456789abcdef0123" });
  });

  it("should take a Redis Cluster's seed nodes in REDIS_URL", () => {
    expect(loadConfig({ env: { REDIS_URL: "redis+cluster://10.0.0.1:7000,10.0.0.2:7000" } }).redisUrl).toBe(
      "redis+cluster://10.0.0.1:7000,10.0.0.2:7000",
    );
  });

  it("should take approvers only of the platforms codemem has adapters for, naming them", () => {
    const platforms = ["console", "slack", "teams"];
    expect(loadConfig({ env: { CODEMEM_APPROVERS: "slack:U1,console:boss" }, platforms }).approvers).toEqual([
      "slack:U1",
      "console:boss",
    ]);
    expect(failure(() => loadConfig({ env: { CODEMEM_APPROVERS: "slack:U1,zoom:bob" }, platforms }))).toBe(
      'config: approvers = "slack:U1,zoom:bob" (from CODEMEM_APPROVERS): no platform "zoom" (in zoom:bob); platforms: console, slack, teams',
    );
    // Without a list of platforms (a library caller, the tests' own platform) any platform name is taken.
    expect(loadConfig({ env: { CODEMEM_APPROVERS: "test:boss" } }).approvers).toEqual(["test:boss"]);
  });

  it("should read every flag the same way and refuse a word that is neither true nor false", () => {
    for (const [word, value] of [
      ["1", true],
      ["yes", true],
      ["ON", true],
      ["true", true],
      ["0", false],
      ["no", false],
      ["Off", false],
      ["false", false],
    ] as const) {
      const config = loadConfig({ env: { CODEMEM_RUN_WORKERS: word, SLACK_ASSISTANT: word, CODEMEM_DEBUG: word } });
      expect([config.runtime.inProcessWorkers, config.slack.assistant, config.debug]).toEqual([value, value, value]);
    }
    for (const name of ["CODEMEM_RUN_WORKERS", "SLACK_ASSISTANT", "CODEMEM_DEBUG"])
      expect(failure(() => loadConfig({ env: { [name]: "banana" } }))).toContain(
        `= "banana" (from ${name}): expected true or false (1/0, yes/no, on/off)`,
      );
  });

  it("should take the console's port from CODEMEM_PORT and the data dir from CODEMEM_HOME, flags winning", () => {
    const config = loadConfig({ env: { CODEMEM_PORT: "4100", CODEMEM_HOME: "/var/lib/codemem" } });
    expect([config.console.port, config.dataDir]).toEqual([4100, "/var/lib/codemem"]);
    const flagged = loadConfig({ env: { CODEMEM_PORT: "4100" }, overrides: { "console.port": "0" } });
    expect(flagged.console.port).toBe(0);
    expect(failure(() => loadConfig({ env: { CODEMEM_PORT: "http" } }))).toBe(
      'config: console.port = "http" (from CODEMEM_PORT): expected a number of port number',
    );
  });

  it("should never show a secret's value, even when it is the one that is wrong", () => {
    expect(failure(() => loadConfig({ env: { SLACK_BOT_TOKEN: "xoxp-user-token-not-a-bot" } }))).toBe(
      "config: slack.botToken = (set, hidden) (from SLACK_BOT_TOKEN): expected a bot token (xoxb-…) from OAuth & Permissions",
    );
  });
});
