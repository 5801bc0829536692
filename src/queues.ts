import type { JobsOptions } from "bullmq";

/**
 * The BullMQ queues codemem keeps, by name: one name for each, so a dashboard, a metric and a worker
 * never disagree. Every queue lives under the app's prefix (hash-tagged on a Redis Cluster).
 */
export const QUEUES = {
  /** Agent turns: one job per chat event or click, worked by `startAgentWorker`. */
  agent: "agent",
  /** Skill runs: one job per run (started by hand, by Approve or by a schedule), which lists its items. */
  runs: "runs",
  /** Items of runs: one job per item key, worked by any number of processes. */
  items: "items",
} as const;

/** The queue of one platform's chat deliveries: only processes holding that platform's adapter take them. */
export const chatQueueName = (platform: string): string => `chat-${platform}`;

/**
 * A run job (`/codemem run`, Approve, the CLI). Its listing is retried; its items are jobs of their own.
 */
export const RUN_JOB = {
  /** Tries of a run's listing before the run fails. BullMQ's default: 1. */
  attempts: 3,
  /** Waits between tries: 1 s, 2 s, 4 s. BullMQ's default: none. */
  backoff: { type: "exponential", delay: 1000 },
  /** Finished run jobs kept (the dashboard shows them); a run's own record is its progress hash. BullMQ's default: all. */
  removeOnComplete: 1000,
  /** Failed run jobs kept. BullMQ's default: all. */
  removeOnFail: 1000,
} as const satisfies JobsOptions;

/**
 * The template of a schedule's firings: tried like a run job; how many finished firings are kept comes
 * from the config (`retention.scheduledRunsKept`, SkillRuntime.scheduledRunJob).
 */
export const SCHEDULED_RUN_JOB = {
  /** As RUN_JOB.attempts. */
  attempts: RUN_JOB.attempts,
  /** As RUN_JOB.backoff. */
  backoff: RUN_JOB.backoff,
} as const satisfies JobsOptions;

/**
 * One item of a run. `attempts` comes from SkillRuntimeOptions.itemAttempts (default 3); a 429 hands the
 * item back without spending one.
 */
export const ITEM_JOB = {
  /** Waits between tries of a failed item: 0.5 s, 1 s, 2 s. BullMQ's default: none. */
  backoff: { type: "exponential", delay: 500 },
  /** Done items leave the queue at once: thousands per run, counted in the run's hash. BullMQ's default: kept. */
  removeOnComplete: true,
  /** Failed items kept for the dashboard and a look at their error. BullMQ's default: all. */
  removeOnFail: 5000,
} as const satisfies JobsOptions;

/** One agent turn (a mention, a reply, a click). */
export const AGENT_TURN_JOB = {
  /** A turn is not retried: it may have posted half its messages; the person mentions the bot again. BullMQ's default: 1. */
  attempts: 1,
  /** Finished turns kept for the dashboard. BullMQ's default: all. */
  removeOnComplete: 1000,
  /** Failed turns kept. BullMQ's default: all. */
  removeOnFail: 1000,
} as const satisfies JobsOptions;

/**
 * One chat delivery (a message brought to a state). `attempts` comes from OutboxOptions.attempts
 * (default 8); a 429 or the platform's pace waits without spending one.
 */
export const DELIVERY_JOB = {
  /** Waits between tries: 0.5 s, 1 s, 2 s… BullMQ's default: none. */
  backoff: { type: "exponential", delay: 500 },
  /** Delivered states leave the queue at once; the message's hash keeps what was delivered. BullMQ's default: kept. */
  removeOnComplete: true,
  /** Deliveries that failed for good kept for the dashboard. BullMQ's default: all. */
  removeOnFail: 1000,
} as const satisfies JobsOptions;
