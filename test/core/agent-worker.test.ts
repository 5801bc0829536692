import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SessionStore, sessionIdFor } from "../../src/agent/session.ts";
import { type AgentJob, startAgentWorker } from "../../src/core/agent-worker.ts";
import { BotKeys } from "../../src/core/keys.ts";
import { QUEUES } from "../../src/queues.ts";
import { bullConnection, createRedisClient, parseRedisUrl } from "../../src/redis/client.ts";
import { agentHarness, type AgentHarness, testUser } from "../helpers/agent.ts";
import { waitFor } from "../helpers/demo.ts";
import { captureLog } from "../helpers/log.ts";

const LOCK_MS = 600;

describe("the agent worker's thread lock, with a model slower than the lock", () => {
  const target = parseRedisUrl(inject("redisUrl"));
  const redis = createRedisClient(target, { maxRetriesPerRequest: null });
  const bull = bullConnection(target);
  const prefix = `aw${process.pid}x${Date.now().toString(36)}`;
  const sessions = new SessionStore(redis, prefix);
  const log = captureLog();
  let harness: AgentHarness;
  let queue: Queue<AgentJob>;
  let worker: ReturnType<typeof startAgentWorker>;
  const ana = testUser("ana");
  const turn = (thread: string, text: string, id: string) => {
    const ref = { platform: "test", channel: "c", thread };
    return queue.add(
      "turn",
      { sessionId: sessionIdFor(ref), thread: ref, input: { kind: "mention", text, user: ana } },
      { jobId: id },
    );
  };

  beforeAll(async () => {
    // Each answer takes 1.5 s: two and a half times the lock's life.
    harness = await agentHarness({ steps: [{ content: "Thinking slowly.", delayMs: 1500 }], repeatLast: true });
    queue = new Queue<AgentJob>(QUEUES.agent, { connection: bull.connection, prefix });
    worker = startAgentWorker({
      connection: bull.connection,
      prefix,
      sessions,
      deps: harness.deps,
      redis,
      lockMs: LOCK_MS,
      log: log.logger,
    });
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    await harness.close();
    bull.close();
    redis.disconnect();
  });

  it("should keep the lock through a long turn, so a second turn of the thread waits for the first", async () => {
    const lockKey = new BotKeys(prefix).turnLock(sessionIdFor({ platform: "test", channel: "c", thread: "slow" }));
    const first = await turn("slow", "first task", "t-first");
    await waitFor(async () => (await first.getState()) === "active", 5000);
    const second = await turn("slow", "second task", "t-second");
    await new Promise((resolve) => setTimeout(resolve, LOCK_MS * 1.5));
    // Past the lock's own life, the first turn still holds it, and the second has not started.
    expect(await redis.pttl(lockKey)).toBeGreaterThan(0);
    expect(await first.getState()).toBe("active");
    expect(await second.getState()).not.toBe("active");
    await waitFor(async () => (await second.getState()) === "completed", 15_000);
    const session = await sessions.load(sessionIdFor({ platform: "test", channel: "c", thread: "slow" }));
    const users = session?.messages.filter((m) => m.role === "user").map((m) => m.content);
    expect(users).toEqual(["ana: first task", "ana: second task"]);
    // One answer after each task: the turns did not overlap.
    expect(session?.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  }, 30_000);

  it("should stop a turn that lost its lock before its next write, and say so in the log", async () => {
    const ref = { platform: "test", channel: "c", thread: "stolen" };
    const lockKey = new BotKeys(prefix).turnLock(sessionIdFor(ref));
    const job = await turn("stolen", "a task", "t-stolen");
    await waitFor(async () => (await redis.exists(lockKey)) === 1, 5000);
    // Another process took the thread (this one froze past the lock's life, say).
    await redis.set(lockKey, "another-turn", "PX", 10_000);
    await waitFor(async () => (await job.getState()) === "completed", 10_000);
    expect(
      log.lines().some((line) => line.msg === "a turn lost its thread's lock; it stops before its next write"),
    ).toBe(true);
    // It wrote nothing after losing the lock (its only write would have been the first), and left the other's lock.
    expect(await sessions.load(sessionIdFor(ref))).toBeUndefined();
    expect(await redis.get(lockKey)).toBe("another-turn");
  }, 20_000);
});
