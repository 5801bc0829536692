import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { WriteJournal } from "../../src/runtime/journal.ts";

const redis = new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

const folder = { tool: "onedrive__create_folder", args: { path: "/Archive/contoso" } };
const upload = { tool: "onedrive__upload_file", args: { path: "/Archive/contoso/a.pdf" } };

describe("WriteJournal", () => {
  it("should let a later attempt replay the writes an earlier one recorded", async () => {
    const key = `journal:${Date.now().toString(36)}`;
    const first = new WriteJournal(redis, key);
    expect(await first.replay(0, folder)).toBeUndefined();
    await first.record(0, folder, { id: "folder" });
    await first.record(1, upload, null);
    expect(await first.replay(0, folder)).toEqual({ value: { id: "folder" } });

    const retry = new WriteJournal(redis, key);
    expect(await retry.replay(0, folder)).toEqual({ value: { id: "folder" } });
    expect(await retry.replay(1, upload)).toEqual({ value: null });
    expect(await retry.replay(2, upload)).toBeUndefined();
    expect(await redis.ttl(key)).toBeGreaterThan(86_400);
  });

  it("should refuse to replay a write whose tool or arguments differ from what was journaled", async () => {
    const key = `journal:${Date.now().toString(36)}:order`;
    const first = new WriteJournal(redis, key);
    await first.record(0, folder, { id: "folder" });
    await first.record(1, upload, { id: "file" });
    // The retry's writes come in another order: its write 0 is the upload.
    const retry = new WriteJournal(redis, key);
    await expect(retry.replay(0, upload)).rejects.toMatchObject({
      code: "JOURNAL_MISMATCH",
      retryable: false,
      message: expect.stringContaining("write 0 of this item was onedrive__create_folder"),
    });
    // The same tool with other arguments is another call too.
    await expect(
      retry.replay(1, { tool: upload.tool, args: { path: "/Archive/contoso/b.pdf" } }),
    ).rejects.toMatchObject({
      code: "JOURNAL_MISMATCH",
      message: expect.stringContaining("write 1 of this item was onedrive__upload_file with other arguments"),
    });
  });

  it("should replay an entry an earlier release journaled (the bare result)", async () => {
    const key = `journal:${Date.now().toString(36)}:legacy`;
    await redis.hset(key, "0", JSON.stringify({ id: "folder" }));
    expect(await new WriteJournal(redis, key).replay(0, folder)).toEqual({ value: { id: "folder" } });
  });

  it("should throw when a record did not reach Redis", async () => {
    const key = `journal:${Date.now().toString(36)}:wrongtype`;
    await redis.set(key, "a string, not a hash");
    const journal = new WriteJournal(redis, key);
    await expect(journal.record(0, folder, { id: "x" })).rejects.toThrow(/WRONGTYPE/);
  });
});

describe("WriteJournal of a first attempt", () => {
  it("should not read Redis (nothing can be journaled yet) but still record", async () => {
    const key = `journal:${Date.now().toString(36)}:first`;
    await redis.hset(key, "0", JSON.stringify("left by nobody"));
    const first = new WriteJournal(redis, key, true);
    expect(await first.replay(0, folder)).toBeUndefined();
    await first.record(1, upload, { id: "x" });
    expect(await new WriteJournal(redis, key).replay(1, upload)).toEqual({ value: { id: "x" } });
  });
});
