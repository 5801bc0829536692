import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { userError } from "../errors.ts";
import { Composition } from "../compose/composition.ts";
import { referencedToolIds } from "../sandbox/referenced-tools.ts";
import type { CliIo } from "./io.ts";

export const EXEC_USAGE = "usage: codemem exec <file.ts> [--timeout-ms N] [--memory-mb N] [--mcp mcp.json]";

/**
 * `codemem exec probe.ts`: runs a TypeScript file in the sandbox with the configured tools. Only the
 * apps the file names (`tools.app__tool`) are started.
 */
export async function execCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { "timeout-ms": { type: "string" }, "memory-mb": { type: "string" }, mcp: { type: "string" } },
  });
  const file = positionals[0];
  if (file === undefined) throw userError("USAGE", EXEC_USAGE);
  const config = io.config({
    overrides: { "sandbox.timeoutMs": values["timeout-ms"], "sandbox.memoryMb": values["memory-mb"] },
  });
  let code: string;
  try {
    code = readFileSync(file, "utf8");
  } catch (error) {
    throw userError("FILE_UNREADABLE", `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const named = referencedToolIds(code);
  const needsCatalog = named.some((id) => !id.startsWith("outlook__") && !id.startsWith("onedrive__"));
  const core = new Composition({ config, log: io.log(config), mcpFile: values.mcp, demoCatalog: needsCatalog });
  try {
    const mcp = await core.mcp();
    // Fails with "there is no tool …, did you mean …" before anything runs.
    const ids = (await Promise.all(named.map((id) => mcp.pool.resolve(id)))).map((tool) => tool.id);
    const sandbox = await core.sandbox();
    const result = await sandbox.run(code, {
      filename: file,
      tools: { ids, call: (id, args) => mcp.pool.call(id, args) },
    });
    if (result.output !== "") io.out(result.output);
    if (!result.ok) {
      io.err(`error: ${result.error?.code ?? "SANDBOX_RUNTIME"}: ${result.error?.message ?? "failed"}`);
      return 1;
    }
    return 0;
  } finally {
    await core.close();
  }
}
