import type { JsonSchema } from "../sandbox/shape.ts";

export interface SkillRecord {
  name: string;
  description: string;
  params: JsonSchema;
  code: string;
  tools: { id: string; access: "read-only" | "writes" | "destructive"; schema?: JsonSchema | undefined }[];
  memory: boolean;
  version: number;
  author: string;
  approver: string;
  created: string;
}

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
  constructor(
    private readonly redis: SkillRedis,
    /** Default: "codemem:skill:". */
    private readonly prefix = "codemem:skill:",
  ) {}

  async save(skill: Omit<SkillRecord, "version" | "created">): Promise<SkillRecord> {
    const version = await this.redis.incr(`${this.prefix}${skill.name}:versions`);
    const record: SkillRecord = { ...skill, version, created: new Date().toISOString() };
    await this.redis.set(`${this.prefix}${skill.name}:v${version}`, JSON.stringify(record));
    await this.redis.set(`${this.prefix}${skill.name}:latest`, String(version));
    await this.redis.sadd(`${this.prefix}names`, skill.name);
    return record;
  }

  async latest(name: string): Promise<SkillRecord | undefined> {
    const version = await this.redis.get(`${this.prefix}${name}:latest`);
    if (version === null) return undefined;
    const raw = await this.redis.get(`${this.prefix}${name}:v${version}`);
    return raw === null ? undefined : (JSON.parse(raw) as SkillRecord);
  }

  async names(): Promise<string[]> {
    return (await this.redis.smembers(`${this.prefix}names`)).sort();
  }
}
