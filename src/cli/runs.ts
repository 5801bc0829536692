import { parseArgs } from "node:util";
import { loadConfig, type Config } from "../config.ts";
import { Outbox } from "../chat/outbox.ts";
import { parseCommand } from "../core/commands.ts";
import { userError } from "../errors.ts";
import { RunReporter } from "../core/run-reporter.ts";
import { summaryText } from "../core/run-messages.ts";
import { SkillRuntime } from "../runtime/runtime.ts";
import { AuditLog } from "../ops/audit.ts";
import { Metrics } from "../ops/metrics.ts";
import { startMetricsServer } from "../ops/metrics-server.ts";
import { IsolatedSandbox } from "../sandbox/runner.ts";
import { installShippedSkills } from "../skills/shipped.ts";
import { SkillStore } from "../skills/store.ts";
import { connectRedis, runtimeSettings } from "./app.ts";
import type { CliIo } from "./io.ts";
import type { Logger } from "../ops/logger.ts";
import { setUpMcp } from "./mcp-setup.ts";
import { stopSignal } from "./stop-signal.ts";

/**
 * Redis, MCP, sandbox and the runtime, without any model. Runs report through the outbox: a post is a
 * job that the process holding the platform's adapter (npm start) delivers, so no secret is needed here.
 */
async function runtimeFor(config: Config, log: Logger, mcpFlag?: string | undefined, metrics?: Metrics) {
  const { target, redis, connection, prefix, close: closeRedis } = await connectRedis(config, log);
  const mcp = await setUpMcp(config, mcpFlag, { log });
  const skills = new SkillStore(redis, prefix);
  await installShippedSkills(skills);
  const outbox = new Outbox({ connection, redis, prefix });
  const runtime = new SkillRuntime({
    observer: new RunReporter({ redis, prefix, surface: outbox, log }),
    connection,
    redis,
    prefix,
    audit: new AuditLog(redis, prefix, config.audit.maxEntries),
    metrics,
    skills,
    tools: mcp.pool,
    sandbox: new IsolatedSandbox({ defaults: config.sandbox }),
    ...runtimeSettings(config),
    log,
  });
  return {
    runtime,
    skills,
    target,
    close: async () => {
      await runtime.close();
      await outbox.close();
      await mcp.close();
      await closeRedis();
    },
  };
}

/** `codemem run <skill> [json]`: runs a skill with workers in this process and prints the summary. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { mcp: { type: "string" }, json: { type: "boolean" } },
  });
  const parsed = parseCommand(`run ${positionals.join(" ")}`);
  if (parsed.name !== "run") throw userError("USAGE", "usage: codemem run <skill> [json]");
  const config = loadConfig();
  const setup = await runtimeFor(config, io.log(config), values.mcp);
  const workers = setup.runtime.startWorkers();
  try {
    const { runId } = await setup.runtime.enqueueRun({
      skill: parsed.skill,
      params: parsed.params,
      requester: process.env.USER ?? "cli",
    });
    for (;;) {
      const run = await setup.runtime.status(runId);
      if (run?.finishedAt !== undefined) {
        io.out(values.json ? JSON.stringify(run) : summaryText(run));
        return run.status === "completed" && run.failed === 0 ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await workers.close();
    await setup.close();
  }
}

/** `codemem status [run]`: the same figures /codemem status shows. */
export async function statusCommand(argv: string[], io: CliIo): Promise<number> {
  const config = loadConfig();
  const setup = await runtimeFor(config, io.log(config));
  try {
    const ids = argv[0] !== undefined ? [argv[0]] : await setup.runtime.progress.recent(5);
    if (ids.length === 0) io.out("no runs yet");
    for (const id of ids) {
      const run = await setup.runtime.status(id);
      if (run === undefined) throw userError("RUN_UNKNOWN", `there is no run "${id}"; codemem status lists the latest`);
      io.out(
        run.finishedAt !== undefined
          ? summaryText(run)
          : `${id}: ${run.skill} v${run.version} ${run.status} ${run.done + run.skipped + run.failed}/${Math.max(run.total, 0)}`,
      );
    }
    return 0;
  } finally {
    await setup.close();
  }
}

/** `codemem worker` (npm run worker): run and item workers until SIGTERM, then a graceful close. */
export async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { "metrics-port": { type: "string" } } });
  const port = values["metrics-port"] === undefined ? undefined : Number(values["metrics-port"]);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw userError("USAGE", `--metrics-port takes a port number (got ${values["metrics-port"]})`);
  const config = loadConfig();
  if (config.redisUrl === undefined)
    throw userError("WORKER_NEEDS_REDIS", "a worker joins an existing Redis: set REDIS_URL (the one npm start prints)");
  const metrics = new Metrics();
  // A long-running process: its runs and items are logged (info) unless CODEMEM_LOG_LEVEL says otherwise.
  const setup = await runtimeFor(config, io.log(config, "info"), undefined, metrics);
  metrics.watch(setup.runtime.runs, setup.runtime.items);
  const workers = setup.runtime.startWorkers();
  const server = port === undefined ? undefined : await startMetricsServer(metrics, port);
  io.out(`worker   ${process.pid} on ${setup.target.display}; Ctrl-C or SIGTERM finishes the current items and stops`);
  if (server !== undefined) io.out(`metrics  ${server.url}`);
  await stopSignal();
  await workers.close();
  await server?.close();
  await setup.close();
  return 0;
}
