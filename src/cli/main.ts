import { readFileSync } from "node:fs";
import { asCodedError } from "../errors.ts";
import { AUDIT_USAGE, auditCommand } from "./audit.ts";
import { demoCommand } from "./demo.ts";
import { discoveryCommand, DISCOVERY_USAGE } from "./discovery.ts";
import { execCommand, EXEC_USAGE } from "./exec.ts";
import type { CliIo } from "./io.ts";
import { MCP_USAGE, mcpCommand } from "./mcp-serve.ts";
import { REDIS_CLUSTER_USAGE, redisClusterCommand } from "./redis-cluster.ts";
import { runCommand, statusCommand, workerCommand } from "./runs.ts";
import { searchCommand, SEARCH_USAGE } from "./search.ts";
import { toolsCommand } from "./tools.ts";

const HELP = `codemem — turns a request in a chat thread into a tested, reusable code skill

  codemem start                     Redis, the MCP servers, the agent and the local console (what npm start runs)
  codemem version                   the version, and whether the compiled build (npm run build) or the sources run
  codemem demo                      the paper's example in the terminal (replay model without OPENAI_API_KEY)
  codemem tools [--json]            connected apps and their tool counts
  codemem run <skill> [json]        run an approved skill now (workers in this process); prints the summary
  codemem status [run]              progress of the latest runs, or of one
  codemem worker [--metrics-port P] run and item workers on REDIS_URL until SIGTERM (npm run worker)
  ${MCP_USAGE.replace("usage: ", "")}
                                    the approved skills as MCP tools over stdio (for an MCP client's mcpServers)
  codemem skills export <name> --out DIR
                                    a saved skill as an Agent Skills folder (SKILL.md, scripts/, references/)
  codemem skills import DIR [--as platform:id] [--channel platform:channel] [--params JSON]
                                    a folder as a proposal: checks, dry run and an approval card in a new thread
  codemem gc [--dry-run] [--now T]  apply the retention now (start does it hourly), or list what it would let go
  ${REDIS_CLUSTER_USAGE.replace("usage: ", "")}
                                    a throwaway local Redis Cluster to try codemem on; prints its REDIS_URL
  ${AUDIT_USAGE.replace("usage: ", "")}
                                    who approved, ran and changed what, latest first
  ${EXEC_USAGE.replace("usage: ", "")}
                                    run a TypeScript probe in the sandbox; tools are tools.app__tool(args)
  ${SEARCH_USAGE.replace("usage: ", "")}
                                    ranked tools of the connected servers
  ${DISCOVERY_USAGE.replace("usage: ", "")}
                                    retrieval figures, one JSON line per set and one for their mean

Every command takes --mcp <file> (an {"mcpServers": …} file); default ./mcp.json, else the demo servers.`;

export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** The commands of the core; adapters/cli.ts adds the ones that need an adapter (start). */
export const CORE_COMMANDS: Record<string, Command> = {
  exec: execCommand,
  demo: demoCommand,
  search: searchCommand,
  discovery: discoveryCommand,
  tools: toolsCommand,
  run: runCommand,
  status: statusCommand,
  worker: workerCommand,
  audit: auditCommand,
  mcp: mcpCommand,
  "redis-cluster": redisClusterCommand,
};

export async function main(
  argv: string[],
  io: CliIo,
  commands: Record<string, Command> = CORE_COMMANDS,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.out(HELP);
    return name === undefined ? 1 : 0;
  }
  if (name === "version" || name === "--version") {
    io.out(versionLine());
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.err(`error: USAGE: unknown command "${name}"; try: codemem help`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const coded = asCodedError(error);
    // parseArgs throws TypeErrors with ERR_PARSE_ARGS_* codes for unknown flags.
    const foreign = coded.details?.code;
    const code = typeof foreign === "string" && foreign.startsWith("ERR_PARSE_ARGS") ? "USAGE" : coded.code;
    io.err(`error: ${code}: ${coded.message}`);
    return code === "USAGE" ? 2 : 1;
  }
}

/** "codemem 0.1.0, compiled (dist/)" or "…, from the sources (tsx)". */
export function versionLine(): string {
  let dir = new URL(".", import.meta.url);
  let version = "?";
  for (let up = 0; up < 5; up++, dir = new URL("..", dir)) {
    try {
      version = (JSON.parse(readFileSync(new URL("package.json", dir), "utf8")) as { version: string }).version;
      break;
    } catch {
      // not here: one folder up
    }
  }
  return `codemem ${version}, ${import.meta.url.endsWith(".js") ? "compiled (dist/)" : "from the sources (tsx)"}`;
}
