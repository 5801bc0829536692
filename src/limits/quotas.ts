import { userError } from "../errors.ts";
import type { Metrics } from "../ops/metrics.ts";
import type { RedisClient } from "../redis/client.ts";
import { luaScript } from "../redis/script.ts";
import { QuotaKeys } from "./keys.ts";

const QUOTA = luaScript(new URL("./quota.lua", import.meta.url));

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The limits of the config (`limits.*`); 0 turns one off. */
export interface QuotaSettings {
  sessionsPerHour: number;
  modelTokensPerDay: number;
  runsPerHour: number;
  concurrentRunsPerSkill: number;
  workspaceModelTokensPerDay: number;
}

/** Which limit a refusal is about: the metric's label and the audit entry's detail. */
export type LimitName = "sessions" | "model_tokens" | "runs" | "concurrent_runs" | "workspace_model_tokens";

/** A limit reached: which, and when it frees (milliseconds from now; none when something must end first). */
export interface LimitHit {
  limit: LimitName;
  waitMs?: number | undefined;
  /** One line for the person: which limit, and when it frees. */
  line: string;
}

/** What the quotas need of Redis: the Lua script and the active-runs sets. */
export type QuotaRedis = Pick<
  RedisClient,
  "evalsha" | "eval" | "zadd" | "zrem" | "zrange" | "zremrangebyscore" | "pexpire"
>;

/**
 * Per-person and install-wide limits in Redis, shared by every process: sessions a person starts an
 * hour, model tokens a person's sessions use a day, runs a person starts an hour, runs of one skill at
 * once, and model tokens of everyone a day. Each refusal says which limit and when it frees, and is
 * counted (codemem_limit_refusals_total).
 */
export class Quotas {
  private readonly keys: QuotaKeys;

  constructor(
    private readonly redis: QuotaRedis,
    prefix: string,
    private readonly settings: QuotaSettings,
    private readonly metrics?: Metrics | undefined,
  ) {
    this.keys = new QuotaKeys(prefix);
  }

  /** A new session for `who` (a user key): taken, or the limit hit. */
  async startSession(who: string): Promise<LimitHit | undefined> {
    const limit = this.settings.sessionsPerHour;
    const wait = await this.quota("sessions", who, limit, HOUR_MS, 1, "take");
    return this.waited("sessions", wait, `You started ${limit} sessions in the last hour, the most one person may`);
  }

  /** Whether `who`'s sessions may make another model call: their daily tokens and everyone's. */
  async mayCallModel(who: string): Promise<LimitHit | undefined> {
    const own = this.settings.modelTokensPerDay;
    const ownWait = await this.quota("model_tokens", who, own, DAY_MS, 0, "peek");
    const mine = this.waited(
      "model_tokens",
      ownWait,
      `Your sessions used their ${own.toLocaleString("en")} model tokens for the day`,
    );
    if (mine !== undefined) return mine;
    const all = this.settings.workspaceModelTokensPerDay;
    const allWait = await this.quota("workspace_model_tokens", "*", all, DAY_MS, 0, "peek");
    return this.waited(
      "workspace_model_tokens",
      allWait,
      `Everyone's sessions together used the ${all.toLocaleString("en")} model tokens this install allows a day`,
    );
  }

  /** Model tokens a call of `who`'s session used, after it (so a quota may go into debt by one call). */
  async chargeModel(who: string, tokens: number): Promise<void> {
    if (tokens <= 0) return;
    await this.quota("model_tokens", who, this.settings.modelTokensPerDay, DAY_MS, tokens, "charge");
    await this.quota("workspace_model_tokens", "*", this.settings.workspaceModelTokensPerDay, DAY_MS, tokens, "charge");
  }

  /** A run `who` starts by hand (schedules' firings are not a person's): taken, or the limit hit. */
  async startRun(who: string): Promise<LimitHit | undefined> {
    const limit = this.settings.runsPerHour;
    const wait = await this.quota("runs", who, limit, HOUR_MS, 1, "take");
    return this.waited("runs", wait, `You started ${limit} runs in the last hour, the most one person may`);
  }

  /**
   * Room for one more run of `skill`, counting those still going (`going` says whether a run id has
   * not finished yet; finished ones and ones older than a day leave the set). Taken as `runId`, or the limit hit.
   */
  async admitRun(
    skill: string,
    runId: string,
    going: (runId: string) => Promise<boolean>,
  ): Promise<LimitHit | undefined> {
    const limit = this.settings.concurrentRunsPerSkill;
    if (limit <= 0) return undefined;
    const key = this.keys.activeRuns(skill);
    await this.redis.zremrangebyscore(key, "-inf", Date.now() - DAY_MS);
    let active = 0;
    for (const id of await this.redis.zrange(key, 0, -1)) {
      if (await going(id)) active++;
      else await this.redis.zrem(key, id);
    }
    if (active >= limit) {
      const runs = `${active} run${active === 1 ? " of " + skill + " is" : "s of " + skill + " are"} going`;
      return this.refused("concurrent_runs", `${runs}, the most at once; it frees when one of them ends.`);
    }
    await this.redis.zadd(key, Date.now(), runId);
    await this.redis.pexpire(key, DAY_MS);
    return undefined;
  }

  private async quota(
    limit: LimitName,
    who: string,
    capacity: number,
    windowMs: number,
    cost: number,
    mode: "take" | "charge" | "peek",
  ): Promise<number> {
    if (capacity <= 0) return 0;
    const [wait] = (await QUOTA.run(
      this.redis as RedisClient,
      [this.keys.quota(limit, who)],
      [capacity, windowMs, cost, mode],
    )) as [number, string];
    return Number(wait);
  }

  /** A quota's answer: nothing when there was room (no wait), else refused, saying when it frees. */
  private waited(limit: LimitName, waitMs: number, what: string): LimitHit | undefined {
    return waitMs <= 0 ? undefined : this.refused(limit, `${what}; ${freesIn(waitMs)}.`, waitMs);
  }

  private refused(limit: LimitName, line: string, waitMs?: number): LimitHit {
    this.metrics?.limitRefusals.inc({ limit });
    return { limit, waitMs, line };
  }
}

/** A limit hit as the user error commands and Approve show. */
export function limitError(hit: LimitHit) {
  return userError("LIMIT_REACHED", hit.line, { limit: hit.limit, waitMs: hit.waitMs });
}

/** "it frees in 3 min" / "in 2 h 5 min" / "in 20 s". */
export function freesIn(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `it frees in ${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `it frees in ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `it frees in ${hours} h${minutes % 60 === 0 ? "" : ` ${minutes % 60} min`}`;
}
