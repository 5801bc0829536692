import { Redis } from "ioredis";
import { describe, expect, inject, it } from "vitest";
import { startRedisServer } from "../../src/redis/server.ts";
import { tempStateDir } from "../helpers/demo.ts";

describe("startRedisServer", () => {
  it("should start a private redis-server with AOF and noeviction, and stop it", async () => {
    const dir = tempStateDir("codemem-redis-");
    const redis = await startRedisServer({ dir: dir.dir });
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      expect(await client.ping()).toBe("PONG");
      expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "yes"]);
      expect(await client.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
      await client.set("k", "v");
    } finally {
      client.disconnect();
      await redis.stop();
    }
    // AOF on: a restart on the same dir keeps the data.
    const again = await startRedisServer({ dir: dir.dir });
    const reader = new Redis(again.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await reader.get("k")).toBe("v");
    } finally {
      reader.disconnect();
      await again.stop();
      dir.cleanup();
    }
  });

  it("should give the suite a real Redis", async () => {
    const client = new Redis(inject("redisUrl"), { maxRetriesPerRequest: 1 });
    try {
      expect(await client.ping()).toBe("PONG");
    } finally {
      client.disconnect();
    }
  });
});
