import { parseArgs } from "node:util";
import { userError } from "../errors.ts";
import { unknownAppError } from "../discovery/meta-tools.ts";
import { Composition } from "../compose/composition.ts";
import type { CliIo } from "./io.ts";

export const SEARCH_USAGE = 'usage: codemem search "<query>" [--app A] [--k N] [--mcp mcp.json]';

/** `codemem search "list messages" --app outlook`: ranked tools of the connected servers. */
export async function searchCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { app: { type: "string" }, k: { type: "string" }, mcp: { type: "string" }, json: { type: "boolean" } },
  });
  const query = positionals.join(" ").trim();
  if (query === "") throw userError("USAGE", SEARCH_USAGE);
  const k = values.k === undefined ? 5 : Number(values.k);
  if (!Number.isInteger(k) || k < 1 || k > 100)
    throw userError("USAGE", `--k must be a whole number from 1 to 100 (got ${values.k})`);
  const config = io.config();
  const core = new Composition({ config, log: io.log(config), mcpFile: values.mcp });
  try {
    const discovery = await core.discovery();
    const { catalog, search } = discovery;
    for (const failure of discovery.failures) io.err(`warning: ${failure.app} is unavailable: ${failure.error}`);
    if (values.app !== undefined && !catalog.hasApp(values.app)) throw unknownAppError(catalog, values.app);
    const hits = await search.search({ query, app: values.app, k });
    if (values.json) {
      io.out(JSON.stringify({ query, hits }));
      return 0;
    }
    if (hits.length === 0) {
      io.out(`no relevant tools for "${query}" among ${catalog.size} tools in ${catalog.apps().length} apps`);
      return 0;
    }
    hits.forEach((hit, rank) => {
      const entry = catalog.get(hit.id);
      const flag = entry?.readOnly ? "read-only" : entry?.destructive ? "destructive" : "write";
      io.out(
        `${String(rank + 1).padStart(2)}. ${hit.id}  (score ${hit.score}, ${flag})  ${entry?.description.split("\n")[0]?.slice(0, 100) ?? ""}`,
      );
    });
    return 0;
  } finally {
    await core.close();
  }
}
