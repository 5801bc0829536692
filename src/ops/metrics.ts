import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** A BullMQ queue as the metrics read it on each scrape. */
export interface MetricsQueue {
  readonly name: string;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getWaiting(start?: number, end?: number): Promise<{ timestamp: number }[]>;
}

/**
 * The process's Prometheus metrics (names prefixed `codemem_`), one registry per app so two apps in
 * one process (tests) never add to each other's counts. Parts that count get it injected; without it
 * they count nothing. Queue depth and the oldest waiting job are read from Redis when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly runsStarted: Counter<"skill">;
  readonly runsFinished: Counter<"skill" | "status">;
  readonly items: Counter<"skill" | "outcome">;
  readonly itemSeconds: Histogram<"skill">;
  readonly rateLimitWaits: Counter<"app">;
  readonly deliveries: Counter<"platform" | "outcome">;
  readonly deliveryLagSeconds: Histogram<"platform">;
  readonly agentTurns: Counter;
  readonly modelCalls: Counter;
  readonly modelTokens: Counter<"kind">;
  readonly limitRefusals: Counter<"limit">;
  private readonly queues: MetricsQueue[] = [];

  constructor() {
    const registers = [this.registry];
    this.runsStarted = new Counter({
      name: "codemem_runs_started_total",
      help: "Skill runs started (listed), by skill.",
      labelNames: ["skill"],
      registers,
    });
    this.runsFinished = new Counter({
      name: "codemem_runs_finished_total",
      help: "Skill runs finished, by skill and final status (completed, failed, stopped).",
      labelNames: ["skill", "status"],
      registers,
    });
    this.items = new Counter({
      name: "codemem_items_total",
      help: "Items of skill runs by outcome (done, failed, skipped).",
      labelNames: ["skill", "outcome"],
      registers,
    });
    this.itemSeconds = new Histogram({
      name: "codemem_item_duration_seconds",
      help: "Time one item took in the sandbox, by skill.",
      labelNames: ["skill"],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.rateLimitWaits = new Counter({
      name: "codemem_rate_limit_waits_total",
      help: "Times a tool call waited for its app's rate limit or a 429, by app.",
      labelNames: ["app"],
      registers,
    });
    this.deliveries = new Counter({
      name: "codemem_outbox_deliveries_total",
      help: "Chat deliveries by platform and outcome (delivered, failed).",
      labelNames: ["platform", "outcome"],
      registers,
    });
    this.deliveryLagSeconds = new Histogram({
      name: "codemem_outbox_delivery_lag_seconds",
      help: "Time from a message's post or update to its delivery, by platform.",
      labelNames: ["platform"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    });
    this.agentTurns = new Counter({ name: "codemem_agent_turns_total", help: "Agent turns taken.", registers });
    this.modelCalls = new Counter({ name: "codemem_model_calls_total", help: "Calls to the model.", registers });
    this.modelTokens = new Counter({
      name: "codemem_model_tokens_total",
      help: "Model tokens, by kind (prompt, completion).",
      labelNames: ["kind"],
      registers,
    });
    this.limitRefusals = new Counter({
      name: "codemem_limit_refusals_total",
      help: "Requests refused by a per-person or install-wide limit, by limit.",
      labelNames: ["limit"],
      registers,
    });
    const queues = this.queues;
    new Gauge({
      name: "codemem_queue_jobs",
      help: "Jobs per queue and state (waiting, delayed, active, failed), read at scrape time.",
      labelNames: ["queue", "state"],
      registers,
      async collect() {
        this.reset();
        for (const queue of queues) {
          const counts = await queue.getJobCounts("waiting", "delayed", "active", "failed");
          for (const [state, count] of Object.entries(counts)) this.set({ queue: queue.name, state }, count);
        }
      },
    });
    new Gauge({
      name: "codemem_queue_oldest_waiting_seconds",
      help: "Age of the oldest waiting job per queue (0 when none waits), read at scrape time.",
      labelNames: ["queue"],
      registers,
      async collect() {
        this.reset();
        for (const queue of queues) {
          const [oldest] = await queue.getWaiting(-1, -1);
          this.set({ queue: queue.name }, oldest === undefined ? 0 : (Date.now() - oldest.timestamp) / 1000);
        }
      },
    });
  }

  /** Queues whose depth and oldest waiting job are reported. */
  watch(...queues: MetricsQueue[]): void {
    this.queues.push(...queues);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
