import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { Composition } from "../compose/composition.ts";
import { parseCommand } from "../core/commands.ts";
import { summaryText } from "../core/run-messages.ts";
import { userError } from "../errors.ts";
import { startMetricsServer } from "../ops/metrics-server.ts";
import type { CliIo } from "./io.ts";
import { stopSignal } from "./stop-signal.ts";

/** `codemem run <skill> [json]`: runs a skill with workers in this process and prints the summary. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { mcp: { type: "string" }, json: { type: "boolean" } },
  });
  const parsed = parseCommand(`run ${positionals.join(" ")}`);
  if (parsed.name !== "run") throw userError("USAGE", "usage: codemem run <skill> [json]");
  const config = io.config();
  // Runs report through the outbox: a post is a job that the process holding the platform's adapter
  // (npm start) delivers, so no platform secret is needed here.
  const core = new Composition({ config, log: io.log(config), mcpFile: values.mcp });
  try {
    const runtime = await core.runtime();
    const workers = runtime.startWorkers();
    core.adopt("workers", () => workers.close(), { patient: true });
    const { runId } = await runtime.enqueueRun({ skill: parsed.skill, params: parsed.params, requester: cliUser() });
    for (;;) {
      const run = await runtime.status(runId);
      if (run?.finishedAt !== undefined) {
        io.out(values.json ? JSON.stringify(run) : summaryText(run));
        return run.status === "completed" && run.failed === 0 ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await core.close();
  }
}

/** Who runs a skill from a shell: the account's name (the audit log records it). */
function cliUser(): string {
  try {
    return userInfo().username || "cli";
  } catch {
    return "cli";
  }
}

/** `codemem status [run]`: the same figures /codemem status shows. */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const config = io.config();
  const core = new Composition({ config, log: io.log(config) });
  try {
    const runtime = await core.runtime();
    const ids = argv[0] !== undefined ? [argv[0]] : await runtime.progress.recent(5);
    if (ids.length === 0) io.out("no runs yet");
    for (const id of ids) {
      const run = await runtime.status(id);
      if (run === undefined) throw userError("RUN_UNKNOWN", `there is no run "${id}"; codemem status lists the latest`);
      io.out(
        run.finishedAt !== undefined
          ? summaryText(run)
          : `${id}: ${run.skill} v${run.version} ${run.status} ${run.done + run.skipped + run.failed}/${Math.max(run.total, 0)}`,
      );
    }
    return 0;
  } finally {
    await core.close();
  }
}

/** `codemem worker` (npm run worker): run and item workers until SIGTERM, then a graceful close. */
export async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { "metrics-port": { type: "string" } } });
  const port = values["metrics-port"] === undefined ? undefined : Number(values["metrics-port"]);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw userError("USAGE", `--metrics-port takes a port number (got ${values["metrics-port"]})`);
  const config = io.config();
  if (config.redisUrl === undefined)
    throw userError("WORKER_NEEDS_REDIS", "a worker joins an existing Redis: set REDIS_URL (the one npm start prints)");
  // A long-running process: its runs and items are logged (info) unless CODEMEM_LOG_LEVEL says otherwise.
  const core = new Composition({ config, log: io.log(config, "info") });
  try {
    const runtime = await core.runtime();
    core.metrics.watch(runtime.runs, runtime.items);
    const workers = runtime.startWorkers();
    core.adopt("workers", () => workers.close(), { patient: true });
    const server = port === undefined ? undefined : await startMetricsServer(core.metrics, port);
    if (server !== undefined) core.adopt("metrics server", () => server.close());
    const { target } = await core.redis();
    io.out(`worker   ${process.pid} on ${target.display}; Ctrl-C or SIGTERM finishes the current items and stops`);
    if (server !== undefined) io.out(`metrics  ${server.url}`);
    await stopSignal();
    return 0;
  } finally {
    await core.close();
  }
}
