import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDeliverers } from "../src/chat/deliverer.ts";
import { ChatKeys } from "../src/chat/keys.ts";
import { Composition } from "../src/compose/composition.ts";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { startRedisServer } from "../src/redis/server.ts";
import type { DeliveryTarget, OutboundAdapter, PostedRef } from "../src/ui/adapter.ts";
import type { UiMessage } from "../src/ui/message.ts";
import { percentile, round } from "./stats.ts";

const THREADS = 20;
const POSTS_PER_THREAD = 25;
const BURST = 100;

/** A platform that answers at once and remembers the last text of each message. */
class InstantPlatform implements OutboundAdapter {
  readonly platform = "bench";
  /** Slack's pace: about one update per second per message. */
  readonly limits = { textChars: 3000, blocks: 50, updateIntervalMs: 1000, ephemeral: true };
  readonly shown = new Map<string, string>();
  posts = 0;
  updates = 0;
  private next = 1;

  async post(target: DeliveryTarget, message: UiMessage): Promise<PostedRef> {
    this.posts++;
    const id = String(this.next++);
    this.shown.set(id, JSON.stringify(message));
    return { id, thread: target.thread ?? id };
  }

  async update(_target: DeliveryTarget, id: string, message: UiMessage): Promise<void> {
    this.updates++;
    this.shown.set(id, JSON.stringify(message));
  }
}

const say = (text: string): UiMessage => ({ blocks: [{ type: "text", text }] });

/**
 * The outbox on a private redis-server: (1) 500 posts over 20 threads, enqueue to delivery latency and
 * throughput with each thread's order kept; (2) a burst of 100 updates of one message at Slack's
 * pace, and how many platform updates it became.
 */
export async function benchOutbox(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-outbox-"));
  const server = await startRedisServer({ dir: join(home, "redis") });
  const core = new Composition({
    config: loadConfig({ env: { REDIS_URL: server.url, CODEMEM_HOME: home, CODEMEM_PREFIX: "bench" }, cwd: home }),
    log: silentLogger,
  });
  const { connection, redis, prefix } = await core.redis();
  const keys = new ChatKeys(prefix);
  const platform = new InstantPlatform();
  const outbox = await core.outbox();
  // What the process holding a platform's adapter adds: its deliverer.
  const deliverers = startDeliverers({ connection, redis, prefix, adapters: [platform] });
  core.adopt("deliverers", () => deliverers.close());
  try {
    const started = performance.now();
    const made: { id: string; at: number }[] = [];
    for (let n = 0; n < POSTS_PER_THREAD; n++) {
      for (let t = 0; t < THREADS; t++) {
        const ref = await outbox.post({ platform: "bench", channel: "c", thread: `t${t}` }, say(`post ${n}`));
        made.push({ id: ref.id, at: Date.now() });
      }
    }
    const latencies: number[] = [];
    for (const post of made) {
      for (;;) {
        const delivered = await redis.hget(keys.message(post.id), "deliveredAt");
        if (delivered !== null) {
          latencies.push(Number(delivered) - post.at);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    const postsSeconds = (performance.now() - started) / 1000;

    const ref = await outbox.post({ platform: "bench", channel: "c", thread: "burst" }, say("progress 0"));
    while ((await redis.hget(keys.message(ref.id), "ref")) === null) await new Promise((r) => setTimeout(r, 5));
    const before = platform.updates;
    const burstStart = performance.now();
    for (let n = 1; n <= BURST; n++) await outbox.update(ref, say(`progress ${n}`));
    const platformId = (await redis.hget(keys.message(ref.id), "ref")) as string;
    while (platform.shown.get(platformId) !== JSON.stringify(say(`progress ${BURST}`))) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    process.stdout.write(
      `${JSON.stringify({
        bench: "outbox",
        posts: made.length,
        threads: THREADS,
        posts_per_second: round(made.length / postsSeconds, 0),
        post_latency_ms_p50: round(percentile(latencies, 50), 1),
        post_latency_ms_p95: round(percentile(latencies, 95), 1),
        burst_updates: BURST,
        burst_platform_updates: platform.updates - before,
        burst_final_shown_ms: round(performance.now() - burstStart, 0),
        update_interval_ms: platform.limits.updateIntervalMs,
      })}\n`,
    );
  } finally {
    await core.close();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
