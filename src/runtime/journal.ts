import { CodedError } from "../errors.ts";
import { digestId } from "../ids.ts";
import type { RedisClient } from "../redis/client.ts";
import { JOURNAL_TTL_SECONDS } from "./keys.ts";

/**
 * The results of one item's writes by call number, in a Redis hash. A retried item replays the calls
 * journaled by earlier attempts instead of repeating their effects. The hash is read once per attempt
 * (at its first write, and not at all on a first attempt), and each result is recorded before the
 * skill sees it, so the window in which a killed worker leaves an effect unjournaled is one round trip.
 * A call still in flight when its worker dies cannot be journaled at all: its retry sends it again, and
 * only the call's idempotency key (`_meta`) keeps the server from a second effect.
 *
 * Each entry names the call it answers (the tool and a digest of its arguments): a retry whose n-th
 * write is another call (the item's code took another path) gets a clear item error, never another
 * call's result.
 */
export class WriteJournal {
  private known: Promise<Map<string, string>> | undefined;

  /** `firstAttempt`: no attempt of this item ever started before, so there is nothing to read. */
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    firstAttempt = false,
    /** How long the journal outlives its last write. Default: JOURNAL_TTL_SECONDS (7 days). */
    private readonly ttlSeconds = JOURNAL_TTL_SECONDS,
  ) {
    if (firstAttempt) this.known = Promise.resolve(new Map());
  }

  /** The journaled result of write `n` for this call, if an earlier attempt made it. */
  async replay(n: number, call: JournaledCall): Promise<{ value: unknown } | undefined> {
    this.known ??= this.redis.hgetall(this.key).then((hash) => new Map(Object.entries(hash)));
    const json = (await this.known).get(String(n));
    if (json === undefined) return undefined;
    const entry = JSON.parse(json) as unknown;
    // Entries of an earlier release hold the bare result (journals live a week).
    if (!isEntry(entry)) return { value: entry };
    if (entry.tool !== call.tool || entry.args !== argsDigest(call.args)) {
      throw new CodedError(
        "JOURNAL_MISMATCH",
        `write ${n} of this item was ${entry.tool === call.tool ? `${entry.tool} with other arguments` : entry.tool} in an earlier attempt and is ${call.tool} now: its writes changed between attempts, so they cannot be replayed (make the item's writes the same on every attempt)`,
        { retryable: false },
      );
    }
    return { value: entry.value };
  }

  /** Records write `n`'s result (one round trip); throws if Redis did not take it. */
  async record(n: number, call: JournaledCall, value: unknown): Promise<void> {
    const entry: JournalEntry = { journal: 2, tool: call.tool, args: argsDigest(call.args), value: value ?? null };
    const json = JSON.stringify(entry);
    const results = await this.redis.multi().hset(this.key, String(n), json).expire(this.key, this.ttlSeconds).exec();
    const failed = results?.find(([error]) => error !== null);
    if (failed) throw failed[0];
    void this.known?.then((map) => map.set(String(n), json));
  }
}

/** The call a journal entry answers. */
export interface JournaledCall {
  tool: string;
  args: unknown;
}

interface JournalEntry {
  journal: 2;
  tool: string;
  /** digestId of the arguments' JSON. */
  args: string;
  value: unknown;
}

const isEntry = (value: unknown): value is JournalEntry =>
  typeof value === "object" && value !== null && (value as { journal?: unknown }).journal === 2;

const argsDigest = (args: unknown): string => digestId(JSON.stringify(args ?? null));
