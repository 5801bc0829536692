import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { Composition } from "../compose/composition.ts";
import type { CliIo } from "./io.ts";
import { stopSignal } from "./stop-signal.ts";

export const MCP_USAGE = "usage: codemem mcp [--workers] [--mcp <file>]";

/**
 * `codemem mcp`: the approved skills as MCP tools over stdio, for desktop clients. Calls run on the
 * queues of REDIS_URL's codemem (its workers run them; `--workers` runs some here too) as
 * CODEMEM_MCP_CALLER. stdout is the protocol: everything else goes to stderr.
 */
export async function mcpCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { workers: { type: "boolean" }, mcp: { type: "string" } },
  });
  const config = io.config();
  const core = new Composition({ config, log: io.log(config), mcpFile: values.mcp });
  try {
    const servers = await core.skillServers();
    if (values.workers) {
      const workers = (await core.runtime()).startWorkers();
      core.adopt("workers", () => workers.close(), { patient: true });
    }
    const transport = new StdioServerTransport();
    const closed = new Promise<void>((resolve) => {
      transport.onclose = resolve;
      process.stdin.once("end", resolve);
    });
    await servers.open().connect(transport);
    await Promise.race([closed, stopSignal()]);
    return 0;
  } finally {
    await core.close();
  }
}
