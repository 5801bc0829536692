import type { RedisClient } from "../redis/client.ts";

/** What people (and schedules) did that changed or ran something; kept in a Redis Stream. */
export type AuditAction =
  | "approve"
  | "reject"
  | "run"
  | "schedule"
  | "unschedule"
  | "rollback"
  | "click_refused"
  | "message_refused"
  | "invite"
  | "handover"
  | "schedule_move"
  | "schedule_pause"
  | "schedule_resume"
  | "import"
  | "renamed"
  | "identity_refused"
  | "limit_refused";

export interface AuditEntry {
  action: AuditAction;
  /** A platform-qualified user key (slack:U…), or "schedule:<id>" for a scheduled run. */
  who: string;
  skill?: string | undefined;
  version?: number | undefined;
  /** The thread it happened in (platform/channel/thread). */
  thread?: string | undefined;
  /** A run id, a schedule id, the refused choice. */
  detail?: string | undefined;
}

export interface AuditRecord extends AuditEntry {
  /** The stream id: milliseconds since 1970, and a sequence. */
  id: string;
  at: string;
}

/** The audit log's one Redis key: a stream, capped at about `audit.maxEntries` (XADD MAXLEN ~). */
export const auditKey = (prefix: string): string => `${prefix}:audit`;

/** The part of ioredis the audit log uses. */
export type AuditRedis = Pick<RedisClient, "xadd" | "xrevrange">;

/**
 * An append-only record of approvals, rejections, runs, schedule changes, rollbacks and refused
 * clicks, capped at about `maxEntries` (the oldest go first). Any process appends; `/codemem audit` and
 * `codemem audit --json` read the latest.
 */
export class AuditLog {
  private readonly key: string;

  constructor(
    private readonly redis: AuditRedis,
    prefix: string,
    private readonly maxEntries = 100_000,
  ) {
    this.key = auditKey(prefix);
  }

  async append(entry: AuditEntry): Promise<void> {
    const fields: string[] = [];
    for (const [name, value] of Object.entries(entry)) if (value !== undefined) fields.push(name, String(value));
    await this.redis.xadd(this.key, "MAXLEN", "~", this.maxEntries, "*", ...fields);
  }

  /** The latest entries, newest first; only one skill's when `skill` is given. */
  async latest(options: { count?: number | undefined; skill?: string | undefined } = {}): Promise<AuditRecord[]> {
    const count = options.count ?? 20;
    const out: AuditRecord[] = [];
    let end = "+";
    // Reads back in pages until it has enough of the one skill (or the stream ends).
    for (let page = 0; page < 50 && out.length < count; page++) {
      const rows = await this.redis.xrevrange(this.key, end, "-", "COUNT", PAGE);
      for (const [id, flat] of rows) {
        const record = recordOf(id, flat);
        if (options.skill === undefined || record.skill === options.skill) out.push(record);
        if (out.length === count) break;
      }
      if (rows.length < PAGE) break;
      end = `(${rows[rows.length - 1]?.[0]}`;
    }
    return out;
  }
}

const PAGE = 500;

function recordOf(id: string, flat: string[]): AuditRecord {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  return {
    id,
    at: new Date(Number(id.split("-")[0])).toISOString(),
    action: fields.action as AuditAction,
    who: fields.who ?? "",
    skill: fields.skill,
    version: fields.version === undefined ? undefined : Number(fields.version),
    thread: fields.thread,
    detail: fields.detail,
  };
}
