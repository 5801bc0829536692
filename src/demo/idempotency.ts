import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { IDEMPOTENCY_META_KEY } from "../mcp/types.ts";
import { recordEvent } from "./knobs.ts";

const madeDirs = new Set<string>();

/**
 * Same idempotency key → the stored result, no second effect. Results live as files in the state
 * dir so a retry that lands on another server process still replays.
 */
export async function withIdempotency(
  stateDir: string,
  server: string,
  tool: string,
  meta: Record<string, unknown> | undefined,
  perform: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const key = meta?.[IDEMPOTENCY_META_KEY];
  if (typeof key !== "string" || key === "") return perform();
  const dir = join(stateDir, "idempotency");
  if (!madeDirs.has(dir)) {
    mkdirSync(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const file = join(dir, `${createHash("sha256").update(`${server}/${tool}/${key}`).digest("hex")}.json`);
  // A stat that does not throw: most keys are new, and an ENOENT exception per write is not free.
  if (statSync(file, { throwIfNoEntry: false }) !== undefined) {
    const stored = JSON.parse(readFileSync(file, "utf8")) as CallToolResult;
    recordEvent(stateDir, { server, kind: "idempotent_replay", tool, detail: key });
    return stored;
  }
  const result = await perform();
  // Errors are not stored: a failed write had no effect, so trying again is right.
  if (result.isError !== true) {
    try {
      writeFileSync(file, JSON.stringify(result), { flag: "wx" });
    } catch {
      // Another process stored the same key first; both results describe the same item.
    }
  }
  return result;
}
