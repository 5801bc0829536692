import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import { startDeliverers } from "../../src/chat/deliverer.ts";
import { Outbox } from "../../src/chat/outbox.ts";
import { bullConnection, parseRedisUrl } from "../../src/redis/client.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../../src/ui/adapter.ts";
import { waitFor } from "../helpers/demo.ts";

/** A platform that only counts: when each call reached it. */
class Timed implements OutboundAdapter {
  readonly platform: string = "timed";
  readonly limits = {
    textChars: 1000,
    blocks: 10,
    updateIntervalMs: 0,
    ephemeral: true,
    calls: { rate: 10, burst: 2 },
  };
  readonly at: number[] = [];
  async post(target: DeliveryTarget): Promise<PostedRef> {
    this.at.push(Date.now());
    return { id: String(this.at.length), thread: target.thread ?? "t" };
  }
  async update(): Promise<void> {
    this.at.push(Date.now());
  }
}

/** The same platform, counting calls per scope the way Teams counts them per tenant. */
class Scoped extends Timed {
  override readonly platform: string = "scoped";
  async callScope(channel: string): Promise<string> {
    return channel.startsWith("a") ? "tenant/a" : "tenant/b";
  }
}

describe("the deliverer's app-wide pace", () => {
  const redisUrl = inject("redisUrl");
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const prefix = `dl${process.pid}x${Date.now().toString(36)}`;
  const platform = new Timed();
  const scoped = new Scoped();
  const outbox = new Outbox({ connection: bullConnection(parseRedisUrl(redisUrl)).connection, redis, prefix });
  const deliverers = startDeliverers({
    connection: bullConnection(parseRedisUrl(redisUrl)).connection,
    redis,
    prefix,
    adapters: [platform, scoped],
  });
  afterAll(async () => {
    await deliverers.close();
    await outbox.close();
    redis.disconnect();
  });

  it("should keep every call to the platform under its rate, across all conversations", async () => {
    for (let n = 0; n < 12; n++)
      await outbox.post(
        { platform: "timed", channel: `c${n}`, thread: `t${n}` },
        { blocks: [{ type: "text", text: `${n}` }] },
      );
    await waitFor(() => platform.at.length === 12, 10_000);
    const span = (platform.at[11] as number) - (platform.at[0] as number);
    // Two go at once, the other ten at ten a second.
    expect(span).toBeGreaterThanOrEqual(900);
  });

  it("should pace each call scope (a Teams tenant) on its own, so one tenant's burst does not slow another's", async () => {
    for (let n = 0; n < 16; n++)
      await outbox.post(
        { platform: "scoped", channel: `${n % 2 ? "a" : "b"}${n}`, thread: `t${n}` },
        { blocks: [{ type: "text", text: `${n}` }] },
      );
    await waitFor(() => scoped.at.length === 16, 10_000);
    const span = (scoped.at[15] as number) - (scoped.at[0] as number);
    // One shared bucket would need at least 1.4 s for 16 calls (two at once, then ten a second);
    // two buckets of eight need about 0.6 s.
    expect(span).toBeLessThan(1300);
    expect(span).toBeGreaterThanOrEqual(500);
  });
});
