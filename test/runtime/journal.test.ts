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
    first.record(0, { id: "folder" });
    first.record(1, null);
    expect(await first.replay(0)).toEqual({ value: { id: "folder" } });
    await first.flush();

    const retry = new WriteJournal(redis, key);
    expect(await retry.replay(0)).toEqual({ value: { id: "folder" } });
    expect(await retry.replay(1)).toEqual({ value: null });
    expect(await retry.replay(2)).toBeUndefined();
    expect(await redis.ttl(key)).toBeGreaterThan(86_400);
  });

  it("should report a record that did not reach Redis when flushed", async () => {
    const key = `journal:${Date.now().toString(36)}:wrongtype`;
    await redis.set(key, "a string, not a hash");
    const journal = new WriteJournal(redis, key);
    journal.record(0, { id: "x" });
    await expect(journal.flush()).rejects.toThrow(/WRONGTYPE/);
  });
});
