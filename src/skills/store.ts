import { userError } from "../errors.ts";
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
  sadd(key: string, member: string): Promise<number>;
}

/**
 * Approved skills in Redis. Every save is a new immutable version and `latest` points at it
 * (rollback and diffs build on this in the runtime work).
 */
export class SkillStore {
  private readonly listeners = new Set<(skill: SkillRecord) => void>();
  /** Versions never change once saved, so item workers read each one from Redis once per process. */
  private readonly versions = new Map<string, SkillRecord>();

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
    await this.redis.set(this.keys.latest(skill.name), String(version));
    await this.redis.sadd(this.keys.names(), skill.name);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  async latest(name: string): Promise<SkillRecord | undefined> {
    const version = await this.redis.get(this.keys.latest(name));
    return version === null ? undefined : this.version(name, Number(version));
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
    for (const listener of this.listeners) listener(target);
    return target;
  }

  /** Adds a shipped skill when the store has no skill of that name yet. */
  async install(skill: SkillDraft): Promise<boolean> {
    if ((await this.latest(skill.name)) !== undefined) return false;
    await this.save(skill);
    return true;
  }
}
