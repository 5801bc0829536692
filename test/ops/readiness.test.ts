import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RunningRedis } from "../../src/redis/server.ts";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { rawRequest } from "../helpers/console-client.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";

/** A GET with the Host header a probe would send (by service name, not the console's loopback address). */
const get = (url: string, path: string, host?: string) =>
  rawRequest(new URL(path, url).href, { headers: host === undefined ? {} : { host } });

describe("/healthz and /readyz on the console's port", () => {
  const dir = tempStateDir("codemem-ready-redis-");
  let redis: RunningRedis;
  let app: TestConsoleApp;
  beforeAll(async () => {
    // A Redis of its own: this test stops it.
    redis = await startRedisServer({ dir: dir.dir });
    app = await startTestConsoleApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
    dir.cleanup();
  });

  it("should answer probes by any host name, and nothing else", async () => {
    const url = app.web.url;
    expect(await get(url, "/healthz", "codemem.internal")).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    const ready = await get(url, "/readyz", "10.0.0.7:3977");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ ready: true, checks: { redis: "ok", mcp: "ok", workers: "ok" } });
    expect((await get(url, "/", "codemem.internal")).status).toBe(403);
  });

  it("should go 503 naming Redis while it is down, stay alive, and be ready again when it is back", async () => {
    const url = app.web.url;
    await redis.stop();
    const down = await get(url, "/readyz");
    expect(down.status).toBe(503);
    const state = JSON.parse(down.body) as { ready: boolean; checks: Record<string, string> };
    expect(state.ready).toBe(false);
    expect(state.checks.redis).not.toBe("ok");
    expect(state.checks.mcp).toBe("ok");
    expect((await get(url, "/healthz")).status).toBe(200);

    redis = await startRedisServer({ dir: dir.dir, port: redis.port });
    await waitFor(async () => (await get(url, "/readyz")).status === 200, 20_000);
  }, 40_000);
});
