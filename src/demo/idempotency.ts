import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import { link, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { IDEMPOTENCY_META_KEY } from "../mcp/types.ts";
import { recordEvent } from "./knobs.ts";

const madeDirs = new Set<string>();
let records = 0;

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
  const stored = await readIfAny(file);
  if (stored !== undefined) {
    recordEvent(stateDir, { server, kind: "idempotent_replay", tool, detail: key });
    return JSON.parse(stored) as CallToolResult;
  }
  const result = await perform();
  // Errors are not stored: a failed write had no effect, so trying again is right.
  if (result.isError !== true) {
    // Written beside and linked into place: a reader never sees half a record, and link fails when
    // another process stored the same key first (both results describe the same item).
    const temporary = `${file}.${process.pid}.${++records}.partial`;
    await writeFile(temporary, JSON.stringify(result));
    await link(temporary, file).catch(() => {});
    await unlink(temporary).catch(() => {});
  }
  return result;
}

async function readIfAny(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
