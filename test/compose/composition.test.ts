import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { Composition } from "../../src/compose/composition.ts";
import { loadConfig } from "../../src/config/load.ts";
import { tempStateDir, waitFor } from "../helpers/demo.ts";
import { captureLog } from "../helpers/log.ts";

describe("Composition", () => {
  const dirs: ReturnType<typeof tempStateDir>[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.cleanup();
  });
  const compose = (env: Record<string, string> = {}, closeTimeoutMs?: number) => {
    const home = tempStateDir("codemem-compose-");
    dirs.push(home);
    const log = captureLog();
    const config = loadConfig({
      env: {
        CODEMEM_HOME: join(home.dir, ".codemem"),
        CODEMEM_PREFIX: `co${process.pid}x${Date.now().toString(36)}`,
        CODEMEM_SEMANTIC: "off",
        ...env,
      },
      cwd: home.dir,
    });
    return { core: new Composition({ config, log: log.logger, demoCatalog: false, closeTimeoutMs }), home, log };
  };

  it("should open only what a command asks for: a pool and a sandbox start no Redis", async () => {
    const { core, home } = compose();
    const mcp = await core.mcp();
    const sandbox = await core.sandbox();
    expect(mcp.pool.apps()).toEqual(["outlook", "onedrive"]);
    expect((await sandbox.run("return 6 * 7")).value).toBe(42);
    // No redis-server was started for it: its data dir was never made.
    expect(existsSync(join(home.dir, ".codemem", "redis"))).toBe(false);
    await core.close();
  });

  it("should open each part once, however many callers ask at the same time", async () => {
    const { core } = compose({ REDIS_URL: inject("redisUrl") });
    const [first, second] = await Promise.all([core.runtime(), core.runtime()]);
    expect(first).toBe(second);
    expect(await core.redis()).toBe(await core.redis());
    expect(await core.skills()).toBe(await core.skills());
    // The shipped skill was installed once, by the first to ask.
    expect((await (await core.skills()).latest("archive-attachments"))?.version).toBe(1);
    await core.close();
  });

  it("should close what it opened, the last opened first, the sandbox's warm realms and Redis too", async () => {
    const { core } = compose({ REDIS_URL: inject("redisUrl") });
    const closed: string[] = [];
    const { redis } = await core.redis();
    expect(await redis.ping()).toBe("PONG");
    core.adopt("first", () => void closed.push("first"));
    const sandbox = await core.sandbox();
    const skill = "export async function run(item) { return item; }";
    for (let i = 0; i < 2; i++) await sandbox.run(skill, { entry: { name: "run", args: [i] } });
    expect(sandbox.stats()).toMatchObject({ realmsCreated: 1, realmsReused: 1, realmsIdle: 1 });
    core.adopt("second", async () => {
      closed.push(`second (redis ${redis.status})`);
    });
    await core.close();
    expect(closed).toEqual(["second (redis ready)", "first"]);
    expect(sandbox.stats().realmsIdle).toBe(0);
    // ioredis ends its connection on the next turn after disconnect().
    await waitFor(() => redis.status === "end", 2000);
  });

  it("should move on from a part slow to close, and wait for one adopted as patient", async () => {
    const { core, log } = compose({}, 100);
    const order: string[] = [];
    core.adopt("hung", () => new Promise<void>(() => {}));
    core.adopt(
      "patient",
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        order.push("patient done");
      },
      { patient: true },
    );
    const started = Date.now();
    await core.close();
    expect(order).toEqual(["patient done"]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(log.lines()).toContainEqual(
      expect.objectContaining({ msg: "a part was slow to close; moving on", part: "hung", timeoutMs: 100 }),
    );
  });
});
