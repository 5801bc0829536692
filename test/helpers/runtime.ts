import { inject } from "vitest";
import {
  bullConnection,
  createRedisClient,
  keyPrefix,
  parseRedisUrl,
  type RedisClient,
} from "../../src/redis/client.ts";
import { ARCHIVE_SKILL_CODE, ARCHIVE_SKILL_PARAMS } from "../../src/demo/archive-skill.ts";
import { generateMailbox, INTERNAL_DOMAIN } from "../../src/demo/outlook/mailbox.ts";
import { McpPool } from "../../src/mcp/pool.ts";
import type { McpConfig } from "../../src/mcp/config-file.ts";
import { RunReporter } from "../../src/core/run-reporter.ts";
import { SkillRuntime, type SkillRuntimeOptions } from "../../src/runtime/runtime.ts";
import { IsolatedSandbox } from "../../src/sandbox/runner.ts";
import type { JsonSchema } from "../../src/json-schema.ts";
import { inferSchema } from "../../src/sandbox/shape.ts";
import { SkillStore, type SkillRecord } from "../../src/skills/store.ts";
import { RecordingSurface } from "./recording-surface.ts";

export interface RuntimeHarness {
  runtime: SkillRuntime;
  skills: SkillStore;
  pool: McpPool;
  redis: RedisClient;
  surface: RecordingSurface;
  prefix: string;
  workers: ReturnType<SkillRuntime["startWorkers"]>;
  waitForRun(runId: string, timeoutMs?: number): Promise<NonNullable<Awaited<ReturnType<SkillRuntime["status"]>>>>;
  /** Another runtime on the same Redis, prefix and servers (a restarted process). */
  revive(): SkillRuntime;
  close(): Promise<void>;
}

/**
 * A runtime with workers in this process, on the suite's Redis (or the Redis Cluster at `redisUrl`)
 * with a unique prefix, hash-tagged on a cluster as the app does it.
 */
export async function runtimeHarness(
  config: McpConfig,
  options: Partial<SkillRuntimeOptions> = {},
  redisUrl: string = inject("redisUrl"),
): Promise<RuntimeHarness> {
  const target = parseRedisUrl(redisUrl);
  const prefix = keyPrefix(`rt${process.pid}x${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`, target);
  const redis = createRedisClient(target, { maxRetriesPerRequest: null });
  const bull = bullConnection(target);
  // Outages are part of some tests; ioredis reconnects by itself.
  redis.on("error", () => {});
  const pool = new McpPool({ config });
  const skills = new SkillStore(redis, prefix);
  const surface = new RecordingSurface();
  const runtimeOptions: SkillRuntimeOptions = {
    connection: bull.connection,
    redis,
    prefix,
    skills,
    tools: pool,
    sandbox: new IsolatedSandbox(),
    observer: new RunReporter({ redis, prefix, surface }),
    itemConcurrency: 8,
    ...options,
  };
  const runtime = new SkillRuntime(runtimeOptions);
  const workers = runtime.startWorkers();
  return {
    runtime,
    skills,
    pool,
    redis,
    surface,
    prefix,
    workers,
    revive: () => new SkillRuntime(runtimeOptions),
    waitForRun: async (runId, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await runtime.status(runId);
        if (run?.finishedAt !== undefined) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await workers.close();
      await runtime.close();
      await pool.close();
      redis.disconnect();
      bull.close();
    },
  };
}

/** The archive skill as approved after probes: read-only tools carry the shapes they returned. */
export async function approveArchiveSkill(skills: SkillStore, pool: McpPool, memory = true): Promise<SkillRecord> {
  const page = (await pool.call("outlook__list_messages", {
    $top: 3,
    $select: "id,from,subject,receivedDateTime",
  })) as { value: { id: string }[] };
  const attachments = await pool.call("outlook__list_attachments", { message_id: page.value[0]?.id });
  const attachment = (attachments as { value: { id: string }[] }).value[0];
  const file = attachment
    ? await pool.call("outlook__get_attachment", { message_id: page.value[0]?.id, attachment_id: attachment.id })
    : { contentBytes: "" };
  const lock = (value: unknown): JsonSchema => inferSchema(value);
  return skills.save({
    name: "archive-attachments",
    description: "Archive PDF/XLSX attachments per sender company.",
    params: ARCHIVE_SKILL_PARAMS as unknown as JsonSchema,
    code: ARCHIVE_SKILL_CODE,
    memory,
    tools: [
      { id: "outlook__list_messages", access: "read-only", schema: lock(page) },
      { id: "outlook__list_attachments", access: "read-only", schema: lock(attachments) },
      { id: "outlook__get_attachment", access: "read-only", schema: lock(file) },
      { id: "onedrive__create_folder", access: "writes" },
      { id: "onedrive__upload_file", access: "destructive" },
    ],
    author: "ana",
    approver: "ana",
  });
}

/** What the archive skill should do on the demo mailbox (seed 42, today): items, and PDF/XLSX files. */
export function archiveExpectations(mailboxSize: number, days: number): { items: number; files: number } {
  const today = new Date();
  const now = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  const { messages, attachments } = generateMailbox({ size: mailboxSize, seed: 42, now });
  const since = new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const items = messages.filter(
    (m) =>
      m.hasAttachments && m.receivedDateTime >= since && !m.from.emailAddress.address.endsWith(`@${INTERNAL_DOMAIN}`),
  );
  const files = items
    .flatMap((m) => attachments.get(m.id) ?? [])
    .filter((a) => /\.(pdf|xlsx)$/i.test(a.name) && !a.isInline).length;
  return { items: items.length, files };
}

/** Saves a small skill written for a test: the fields every test skill shares are filled in. */
export function saveTestSkill(
  skills: SkillStore,
  skill: Pick<SkillRecord, "name" | "code" | "tools"> & Partial<Pick<SkillRecord, "description" | "params" | "memory">>,
): Promise<SkillRecord> {
  return skills.save({
    description: `Test skill ${skill.name}.`,
    params: { type: "object", properties: {} },
    memory: false,
    author: "ana",
    approver: "ana",
    ...skill,
  });
}

/** A skill whose every item fails with "the report source is gone", owned by `author` and `approver`. */
export function saveFailingSkill(skills: SkillStore, author: string, approver: string): Promise<SkillRecord> {
  return skills.save({
    name: "flaky-report",
    description: "A report whose source is gone.",
    params: { type: "object", properties: {} },
    code: `export async function run() { throw new Error("the report source is gone"); }`,
    tools: [],
    memory: false,
    author,
    approver,
  });
}
