import ivm from "isolated-vm";
import { entrySource, REALM_SOURCE } from "./realm-source.ts";
import { MAIN_FUNCTION } from "./transpile.ts";

/** A realm retires after this many runs, so nothing long-lived builds up in one heap. */
const RUNS_PER_REALM = 2000;
/** Idle realms kept for reuse, over all codes. */
const MAX_IDLE_REALMS = 128;
/** Idle realms are disposed after this long unused. */
const IDLE_MS = 30_000;

/** The run a realm is hosting: what its code asks of the host. */
export interface RealmRun {
  /** Starts a tool call: a ticket answered later through `delivery`, or a refusal (JSON) at once. */
  call(id: unknown, argsJson: unknown, delivery: Delivery): number | string;
  log(line: unknown): void;
  /** Starts a timer: a ticket answered through `delivery` when it fires. */
  timer(ms: unknown, delivery: Delivery): number;
  clear(ticket: unknown): void;
  done(json: string): void;
  /** The code failed outside its own error handling (a stretch too long, memory). */
  fail(error: unknown): void;
}

/** Hands answers to one run of a realm; its code continues on isolated-vm's thread. */
export class Delivery {
  constructor(
    private readonly realm: Realm,
    private readonly token: number,
  ) {}

  send(ticket: number, json: string): void {
    this.realm.deliver(this.token, ticket, json);
  }
}

/**
 * One isolate with one frozen context and the compiled entry of one script. It hosts one run at a
 * time; between runs it can go back to the pool (see RealmPool.give). Its one host function is made
 * once and answers only the run in progress (by token).
 */
export class Realm {
  runs = 0;
  idleSince = 0;
  private current: { token: number; run: RealmRun; delivery: Delivery } | undefined;
  private nextToken = 1;
  private sliceMs = 1000;
  private deadline = 0;
  private entry: ivm.Reference<(token: number, configJson: string, argsJson: string) => void> | undefined;
  private deliverRef: ivm.Reference<(token: number, ticket: number, json: string) => void> | undefined;

  private constructor(
    readonly key: string | undefined,
    readonly isolate: ivm.Isolate,
  ) {}

  /**
   * A new isolate, the realm source, then the script compiled into its entry function. Synchronous
   * (~3 ms on this thread): the asynchronous calls cost as much again in thread hand-offs, and none of
   * this runs the user's code (the entry is only compiled; `start` runs it, off this thread).
   */
  static create(key: string | undefined, script: string, memoryMb: number, filename: string): Realm {
    const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
    const realm = new Realm(key, isolate);
    try {
      const context = isolate.createContextSync();
      realm.deliverRef = context.evalClosureSync(
        REALM_SOURCE,
        [(token: unknown, op: unknown, a: unknown, b: unknown) => realm.answer(token, op, a, b)],
        {
          arguments: { reference: true },
          result: { reference: true },
          filename: "file:///codemem-realm.js",
        },
      ) as typeof realm.deliverRef;
      realm.entry = context.evalSync(entrySource(script, MAIN_FUNCTION), {
        filename: `file:///${filename}`,
        reference: true,
      }) as typeof realm.entry;
      return realm;
    } catch (error) {
      realm.dispose();
      throw error;
    }
  }

  /**
   * Starts a run: its code runs up to its first await, and each later stretch when its awaited result
   * is delivered, each at most `sliceMs`. Every stretch runs on isolated-vm's own threads (`apply`, not
   * `applySync`), so code that spins never delays this thread: HTTP answers, acks and lock renewals go
   * on meanwhile. The isolate takes its stretches one at a time, in the order they were handed over.
   */
  start(run: RealmRun, configJson: string, argsJson: string, limits: { sliceMs: number; deadline: number }): void {
    const token = this.nextToken++;
    this.current = { token, run, delivery: new Delivery(this, token) };
    this.sliceMs = limits.sliceMs;
    this.deadline = limits.deadline;
    this.runs++;
    this.entry
      ?.apply(undefined, [token, configJson, argsJson], {
        timeout: Math.max(1, Math.min(limits.sliceMs, limits.deadline - Date.now())),
      })
      .catch((error: unknown) => this.failed(token, error));
  }

  /** Hands a ticket's answer to the run, if it is still the one in progress. */
  deliver(token: number, ticket: number, json: string): void {
    const current = this.current;
    if (current?.token !== token || this.isolate.isDisposed) return;
    // A stretch never runs past the run's wall limit.
    const timeout = Math.max(1, Math.min(this.sliceMs, this.deadline - Date.now()));
    this.deliverRef
      ?.apply(undefined, [token, ticket, json], { timeout })
      .catch((error: unknown) => this.failed(token, error));
  }

  /** A stretch failed (too long, out of memory, the isolate disposed): the run it belongs to fails with it. */
  private failed(token: number, error: unknown): void {
    const current = this.current;
    if (current?.token === token) current.run.fail(error);
  }

  /** The run is over: whatever of it is left can no longer reach the host or be reached. */
  end(): void {
    this.current = undefined;
  }

  get disposed(): boolean {
    return this.isolate.isDisposed;
  }

  dispose(): void {
    this.current = undefined;
    if (!this.isolate.isDisposed) this.isolate.dispose();
  }

  /** The realm's one host function: requests of the run in progress, refused for any other token. */
  private answer(token: unknown, op: unknown, a: unknown, b: unknown): unknown {
    const current = this.current;
    if (current === undefined || token !== current.token) {
      return op === "call" ? JSON.stringify({ error: { code: "SANDBOX_FINISHED", message: "the run has ended" } }) : -1;
    }
    switch (op) {
      case "call":
        return current.run.call(a, b, current.delivery);
      case "log":
        return current.run.log(a);
      case "timer":
        return current.run.timer(a, current.delivery);
      case "clear":
        return current.run.clear(a);
      case "done":
        return current.run.done(String(a));
      default:
        return undefined;
    }
  }
}

/**
 * Warm realms per script, so thousands of item runs of one skill do not each pay for an isolate, a
 * context and the lockdown (~5 ms). A realm comes back only when its run ended within its limits and
 * quiet (no tool call or timer pending); the token on every host request keeps anything left of a run
 * from acting in the next.
 */
export class RealmPool {
  private readonly idle = new Map<string, Realm[]>();
  private idleCount = 0;
  private sweeper: NodeJS.Timeout | undefined;

  take(key: string): Realm | undefined {
    const realms = this.idle.get(key);
    if (realms === undefined) return undefined;
    let realm: Realm | undefined;
    while (realm === undefined && realms.length > 0) {
      const candidate = realms.pop() as Realm;
      this.idleCount--;
      if (!candidate.disposed) realm = candidate;
    }
    if (realms.length === 0) this.idle.delete(key);
    return realm;
  }

  give(realm: Realm): void {
    if (realm.key === undefined || realm.disposed || realm.runs >= RUNS_PER_REALM) {
      realm.dispose();
      return;
    }
    if (this.idleCount >= MAX_IDLE_REALMS) this.evictOldest();
    realm.idleSince = Date.now();
    const realms = this.idle.get(realm.key) ?? [];
    realms.push(realm);
    this.idle.set(realm.key, realms);
    this.idleCount++;
    this.sweeper ??= setInterval(() => this.sweep(), IDLE_MS / 2).unref();
  }

  /** Idle realms kept warm. */
  get size(): number {
    return this.idleCount;
  }

  /** Disposes every idle realm. */
  clear(): void {
    for (const realms of this.idle.values()) for (const realm of realms) realm.dispose();
    this.idle.clear();
    this.idleCount = 0;
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_MS;
    for (const [key, realms] of this.idle) {
      const keep = realms.filter((realm) => realm.idleSince > cutoff);
      for (const realm of realms) if (realm.idleSince <= cutoff) realm.dispose();
      this.idleCount -= realms.length - keep.length;
      if (keep.length === 0) this.idle.delete(key);
      else this.idle.set(key, keep);
    }
    if (this.idleCount === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private evictOldest(): void {
    let oldest: { key: string; index: number; at: number } | undefined;
    for (const [key, realms] of this.idle) {
      realms.forEach((realm, index) => {
        if (oldest === undefined || realm.idleSince < oldest.at) oldest = { key, index, at: realm.idleSince };
      });
    }
    if (oldest === undefined) return;
    const realms = this.idle.get(oldest.key) as Realm[];
    realms.splice(oldest.index, 1)[0]?.dispose();
    if (realms.length === 0) this.idle.delete(oldest.key);
    this.idleCount--;
  }
}
