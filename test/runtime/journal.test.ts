import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { WriteJournal } from "../../src/runtime/journal.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

describe("WriteJournal", () => {
  it("should let a later attempt replay the writes an earlier one recorded", async () => {
    const key = `journal:${Date.now().toString(36)}`;
    const first = new WriteJournal(redis, key);
    expect(await first.replay(0)).toBeUndefined();
    await first.record(0, { id: "folder" });
    await first.record(1, null);
    expect(await first.replay(0)).toEqual({ value: { id: "folder" } });

    const retry = new WriteJournal(redis, key);
    expect(await retry.replay(0)).toEqual({ value: { id: "folder" } });
    expect(await retry.replay(1)).toEqual({ value: null });
    expect(await retry.replay(2)).toBeUndefined();
    expect(await redis.ttl(key)).toBeGreaterThan(86_400);
  });

  it("should throw when a record did not reach Redis", async () => {
    const key = `journal:${Date.now().toString(36)}:wrongtype`;
    await redis.set(key, "a string, not a hash");
    const journal = new WriteJournal(redis, key);
    await expect(journal.record(0, { id: "x" })).rejects.toThrow(/WRONGTYPE/);
  });
});

describe("WriteJournal of a first attempt", () => {
  it("should not read Redis (nothing can be journaled yet) but still record", async () => {
    const key = `journal:${Date.now().toString(36)}:first`;
    await redis.hset(key, "0", JSON.stringify("left by nobody"));
    const first = new WriteJournal(redis, key, true);
    expect(await first.replay(0)).toBeUndefined();
    await first.record(1, { id: "x" });
    expect(await new WriteJournal(redis, key).replay(1)).toEqual({ value: { id: "x" } });
  });
});
