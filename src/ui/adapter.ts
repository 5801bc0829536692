import type { IncomingMessage, ServerResponse } from "node:http";
import type { Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { UiMessage } from "./message.ts";
import type { User } from "./user.ts";

/** What one platform can show; the fitter cuts every message to it (src/ui/fit.ts). */
export interface PlatformLimits {
  /** Characters one text block may hold (Slack section text: 3,000). */
  textChars: number;
  /** Blocks one message may hold (Slack: 50). */
  blocks: number;
  /** Characters of text one whole message may carry (Teams: about 28 KB per card). Default: no cap. */
  messageChars?: number | undefined;
  /** Least time between two updates of one message (Slack: about 1,000 ms). */
  updateIntervalMs: number;
  /** Whether the platform can show a message to one person only (else it says whom it is for). */
  ephemeral: boolean;
  /** New messages per channel: `rate` a second after a `burst` (Slack: about one a second). Default: no pace. */
  posts?: { rate: number; burst: number } | undefined;
  /**
   * Every call to the platform, all channels of one `callScope` together (Teams: 50 a second per app
   * per tenant). Default: no pace.
   */
  calls?: { rate: number; burst: number } | undefined;
}

/** Where a delivery goes, as the platform knows it: the channel and, once opened, the thread. */
export interface DeliveryTarget {
  channel: string;
  thread?: string | undefined;
}

/** What the platform gave back for a post: its message id and the thread the message is in. */
export interface PostedRef {
  id: string;
  /** The thread the post is in; for a post that opened a thread, the new thread's id. */
  thread: string;
}

/**
 * The outbound half of an adapter: renders a UiMessage for its platform and delivers it. It runs in
 * any process that has the platform's credentials and is only ever called by the outbox deliverer,
 * which has already fitted the message to `limits`, kept the pace, and serialised one thread's posts.
 * A 429 is thrown as a CodedError "CHAT_RATE_LIMITED" with `retryAfterMs`; an error no retry can fix
 * (channel gone) with `retryable: false`.
 */
export interface OutboundAdapter {
  readonly platform: string;
  readonly limits: PlatformLimits;
  post(target: DeliveryTarget, message: UiMessage, options: { visibleTo?: User | undefined }): Promise<PostedRef>;
  update(target: DeliveryTarget, id: string, message: UiMessage): Promise<void>;
  /**
   * Where the platform has files: a text the fitter cut, whole, in the thread of the message it was
   * cut from (posted once, after the message). `/codemem show` reaches it everywhere else.
   */
  attach?(target: DeliveryTarget, file: { title: string; text: string }): Promise<void>;
  /** Where the platform has a "working" line for a thread: show `text`, or clear it with "". */
  status?(target: DeliveryTarget, text: string): Promise<void>;
  /**
   * Which of the platform's buckets a channel's calls count against for `limits.calls` (Teams: its
   * tenant). Default, or undefined: one bucket for the whole app.
   */
  callScope?(channel: string): Promise<string | undefined>;
}

/** What an inbound adapter started: the line `npm start` prints for it, and how to stop it. */
export interface RunningInbound {
  /** One line for the person starting codemem, e.g. "console  http://127.0.0.1:3977/". */
  describe: string;
  /** Where it listens, when it serves HTTP. */
  url?: string | undefined;
  close(): Promise<void>;
}

/**
 * A platform's groups of people (Slack user groups), so a role in the config may name a group
 * (`slack:S0123ABCD`) instead of each person. The provider caches lookups.
 */
export interface GroupDirectory {
  readonly platform: string;
  /** Whether this platform id names a group (Slack: user group ids start with S). */
  isGroup(id: string): boolean;
  /** The platform ids of the group's members. */
  members(id: string): Promise<readonly string[]>;
}

/**
 * One platform: the outbound half always, the inbound half (listen, verify, turn events into Bot
 * calls, show click results at once) only in processes that serve people.
 */
export interface ChatAdapter<TBot> {
  readonly outbound: OutboundAdapter;
  /** Resolves group roles of this platform, when it has groups. */
  readonly groups?: GroupDirectory | undefined;
  start?(bot: TBot): Promise<RunningInbound>;
}

/** What a process's `/readyz` answers: ready when every check passed; each check "ok" or why not. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

/** The process's Prometheus metrics, as an endpoint serves them. */
export interface MetricsText {
  readonly contentType: string;
  text(): Promise<string>;
}

/** What an adapter may use when it is made (src/compose/app.ts makes it once Redis is up). */
export interface AdapterContext {
  /** The app's Redis (its own, or REDIS_URL's), for the adapter's own state. */
  redis: Redis | Cluster;
  /** The app's key prefix: an adapter's keys live under `<prefix>:<platform>:…`. */
  prefix: string;
  log: Logger;
  /** The app's readiness (for a health endpoint); "starting" until the app is up. */
  readiness: () => Promise<ReadinessReport>;
  /** The app's metrics (for a /metrics endpoint). */
  metrics: MetricsText;
  /** The app's BullMQ queues once it is up (for a queue dashboard); empty before. */
  queues: () => readonly Queue[];
  /**
   * The approved skills as MCP tools over streamable HTTP (checks its own bearer token), for the
   * console to serve at /mcp; undefined when CODEMEM_MCP_TOKEN is not set.
   */
  mcp?: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
}

/** Makes one platform's adapter; its inbound half is started with the Bot (`TBot`). */
export type AdapterFactory<TBot> = (context: AdapterContext) => ChatAdapter<TBot>;
