import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { RedisClient } from "./client.ts";

/**
 * A Lua script sent by its SHA (EVALSHA), and by its body only when Redis does not know it yet (after a
 * restart or SCRIPT FLUSH): hot paths run a script per item or per call, and EVAL would ship the body
 * and make Redis hash it every time.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/**
 * A script kept in `.lua` files beside the code (read once, when the module loads), so an editor and a
 * linter see Lua, not a string. Several files are joined in order: shared functions first.
 */
export function luaScript(...files: readonly URL[]): RedisScript {
  return new RedisScript(files.map((file) => readFileSync(file, "utf8")).join("\n"));
}
