import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { AppLimiter } from "../../src/runtime/app-limiter.ts";
import { RunKeys } from "../../src/runtime/keys.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());
const prefix = () => `limiter${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;

const timed = async (action: () => Promise<void>) => {
  const started = Date.now();
  await action();
  return Date.now() - started;
};

describe("AppLimiter", () => {
  it("should hold calls of a rate-limited app to its rate across processes", async () => {
    const shared = prefix();
    const a = new AppLimiter(redis, new RunKeys(shared), { outlook: 10 });
    const b = new AppLimiter(redis, new RunKeys(shared), { outlook: 10 });
    // The bucket starts full (10 tokens); 20 more calls need about a second more at 10/s.
    const elapsed = await timed(async () => {
      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).acquire("outlook")));
    });
    expect(elapsed).toBeGreaterThanOrEqual(1500);
  });

  it("should make every process sit out a 429 pause, another process after at most its check interval", async () => {
    const shared = prefix();
    const hit = new AppLimiter(redis, new RunKeys(shared), {});
    const other = new AppLimiter(redis, new RunKeys(shared), {});
    await other.acquire("onedrive"); // reads "not paused" and trusts it for a moment
    await hit.pause("onedrive", 1000);
    const [hitWaited, staleWaited] = await Promise.all([
      timed(() => hit.acquire("onedrive")),
      timed(() => other.acquire("onedrive")),
    ]);
    expect(hitWaited).toBeGreaterThanOrEqual(900);
    expect(staleWaited).toBeLessThan(100);
    await hit.pause("onedrive", 1000);
    await new Promise((resolve) => setTimeout(resolve, 250));
    // Past its check interval a process reads the pause from Redis and waits out the rest.
    expect(await timed(() => other.acquire("onedrive"))).toBeGreaterThanOrEqual(500);
  });
});
