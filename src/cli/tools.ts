import { parseArgs } from "node:util";
import { Composition } from "../compose/composition.ts";
import type { CliIo } from "./io.ts";

/** `codemem tools [--json] [--mcp file]`: connected apps and their tool counts. */
export async function toolsCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { mcp: { type: "string" }, json: { type: "boolean" } } });
  const config = io.config();
  const core = new Composition({ config, log: io.log(config), mcpFile: values.mcp });
  try {
    const mcp = await core.mcp();
    const listings = await mcp.pool.listApps();
    const rows = listings.map((listing) => ({
      app: listing.app,
      transport: listing.transport,
      tools: listing.tools.length,
      readOnly: listing.tools.filter((tool) => tool.readOnly).length,
      destructive: listing.tools.filter((tool) => tool.destructive).length,
      ...(listing.error ? { error: `${listing.error.code}: ${listing.error.message}` } : {}),
    }));
    if (values.json) {
      io.out(JSON.stringify({ source: mcp.source, apps: rows }));
    } else {
      const width = Math.max(...rows.map((row) => row.app.length), 3);
      io.out(`${"app".padEnd(width)}  transport  tools  read-only  destructive`);
      for (const row of rows) {
        io.out(
          row.error
            ? `${row.app.padEnd(width)}  ${row.transport.padEnd(9)}  error: ${row.error}`
            : `${row.app.padEnd(width)}  ${row.transport.padEnd(9)}  ${String(row.tools).padStart(5)}  ${String(row.readOnly).padStart(9)}  ${String(row.destructive).padStart(11)}`,
        );
      }
      const total = rows.reduce((sum, row) => sum + row.tools, 0);
      io.out(`${rows.length} apps, ${total} tools (from ${mcp.source})`);
    }
    return rows.some((row) => row.error) ? 1 : 0;
  } finally {
    await core.close();
  }
}
