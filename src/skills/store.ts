import { userError } from "../errors.ts";
import { parseUserKey } from "../ui/user.ts";
import { readStored } from "../stored.ts";
import { SkillKeys } from "./keys.ts";
import { SKILL_FORMAT, type SkillDraft, type SkillRecord, skillRecordSchema } from "./schema.ts";

export type { SkillDraft, SkillRecord, SkillTool } from "./schema.ts";

/** The part of ioredis the store uses. */
export interface SkillRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  incr(key: string): Promise<number>;
  smembers(key: string): Promise<string[]>;
  sadd(key: string, ...members: string[]): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
}

/**
 * Approved skills in Redis. Every save is a new immutable version and `latest` points at it
 * (rollback and diffs build on this in the runtime work).
 */
export class SkillStore {
  private readonly listeners = new Set<(skill: SkillRecord) => void>();
  /** Versions never change once saved, so item workers read each one from Redis once per process. */
  private readonly versions = new Map<string, SkillRecord>();

  /** Tells this process's listeners, and every process following `changes()` (the MCP servers). */
  private async changed(skill: SkillRecord): Promise<void> {
    for (const listener of this.listeners) listener(skill);
    await this.redis.publish(this.keys.changes(), skill.name);
  }

  /** The channel every save and rollback is published on (the skill's name). */
  get changesChannel(): string {
    return this.keys.changes();
  }

  /** Called in this process after each save or rollback (the search index follows it). */
  onChange(listener: (skill: SkillRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private readonly keys: SkillKeys;

  constructor(
    private readonly redis: SkillRedis,
    /** The app's key prefix. */
    prefix: string,
  ) {
    this.keys = new SkillKeys(prefix);
  }

  async save(skill: SkillDraft): Promise<SkillRecord> {
    const version = await this.redis.incr(this.keys.versions(skill.name));
    const record: SkillRecord = { ...skill, format: SKILL_FORMAT, version, created: new Date().toISOString() };
    await this.redis.set(this.keys.version(skill.name, version), JSON.stringify(record));
    // Owners first: a version is never visible before the people who may change it are recorded.
    const people = [skill.author, skill.approver].filter((key) => parseUserKey(key) !== undefined);
    if (people.length > 0) await this.redis.sadd(this.keys.owners(skill.name), ...people);
    await this.redis.set(this.keys.latest(skill.name), String(version));
    await this.redis.sadd(this.keys.names(), skill.name);
    await this.changed(record);
    return record;
  }

  async latest(name: string): Promise<SkillRecord | undefined> {
    const version = await this.redis.get(this.keys.latest(name));
    return version === null ? undefined : this.version(name, Number(version));
  }

  /**
   * Who may change a skill besides the approvers: everyone who authored or approved one of its versions
   * (user keys; shipped skills have none). Skills saved before owners were recorded get them from
   * their versions, once.
   */
  async owners(name: string): Promise<string[]> {
    const known = await this.redis.smembers(this.keys.owners(name));
    if (known.length > 0) return known.sort();
    const count = Number((await this.redis.get(this.keys.versions(name))) ?? 0);
    const people = new Set<string>();
    for (let version = 1; version <= count; version++) {
      const record = await this.version(name, version).catch(() => undefined);
      for (const key of [record?.author, record?.approver]) if (key && parseUserKey(key)) people.add(key);
    }
    if (people.size > 0) await this.redis.sadd(this.keys.owners(name), ...people);
    return [...people].sort();
  }

  /** Every version of a skill, oldest first (what an export's history lists). */
  async history(name: string): Promise<SkillRecord[]> {
    const count = Number((await this.redis.get(this.keys.versions(name))) ?? 0);
    const records: SkillRecord[] = [];
    for (let version = 1; version <= count; version++) {
      const record = await this.version(name, version);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  /** `base` if no skill has it, else the first of `base-2`, `base-3`, … that is free. */
  async freeName(base: string): Promise<string> {
    if ((await this.redis.get(this.keys.versions(base))) === null) return base;
    const stem = base.slice(0, 45);
    for (let n = 2; ; n++) {
      const name = `${stem}-${n}`;
      if ((await this.redis.get(this.keys.versions(name))) === null) return name;
    }
  }

  async names(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.names())).sort();
  }

  async version(name: string, version: number): Promise<SkillRecord | undefined> {
    const key = this.keys.version(name, version);
    const cached = this.versions.get(key);
    if (cached !== undefined) return cached;
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    const record = readStored(raw, {
      what: `skill ${name} v${version}`,
      format: SKILL_FORMAT,
      schema: skillRecordSchema,
    });
    this.versions.set(key, record);
    return record;
  }

  /** The latest version, or a user error that names the skills there are. */
  async require(name: string): Promise<SkillRecord> {
    const skill = await this.latest(name);
    if (skill !== undefined) return skill;
    const names = await this.names();
    throw userError(
      "SKILL_UNKNOWN",
      `there is no skill "${name}". Skills: ${names.join(", ") || "none yet"} (see /codemem skills)`,
    );
  }

  /** Points `latest` at an earlier version; versions themselves never change. */
  async rollback(name: string, version: number): Promise<SkillRecord> {
    const current = await this.require(name);
    const target = await this.version(name, version);
    if (target === undefined) {
      throw userError(
        "SKILL_VERSION_UNKNOWN",
        `${name} has no version ${version}; versions are 1 to ${await this.redis.get(this.keys.versions(name))} (latest is v${current.version})`,
      );
    }
    await this.redis.set(this.keys.latest(name), String(version));
    await this.changed(target);
    return target;
  }

  /** Adds a shipped skill when the store has no skill of that name yet. */
  async install(skill: SkillDraft): Promise<boolean> {
    if ((await this.latest(skill.name)) !== undefined) return false;
    await this.save(skill);
    return true;
  }
}
