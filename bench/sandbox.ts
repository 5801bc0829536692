import { IsolatedSandbox } from "../src/sandbox/runner.ts";
import { percentile, round } from "./stats.ts";

const RUNS = 300;
const WARMUP = 20;
const CALLS = 1000;

/**
 * Fresh isolate + trivial script, end to end as the agent and workers pay it (transpile, isolate,
 * context, prelude, run, dispose), and 1,000 sequential bridged tool calls inside one run.
 */
export async function benchSandbox(): Promise<void> {
  const sandbox = new IsolatedSandbox();
  const tools = { ids: ["bench__echo"], call: async (_id: string, args: unknown) => args };
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const started = performance.now();
    const result = await sandbox.run("return 1 + 1");
    const elapsed = performance.now() - started;
    if (!result.ok) throw new Error(`trivial run failed: ${result.error?.message}`);
    if (i >= WARMUP) samples.push(elapsed);
  }
  const started = performance.now();
  const result = await sandbox.run(`for (let i = 0; i < ${CALLS}; i++) await tools.bench__echo({ i }); return 'done'`, {
    tools,
  });
  const callsMs = performance.now() - started;
  if (!result.ok || result.calls.length !== CALLS) throw new Error(`bridged run failed: ${result.error?.message}`);
  process.stdout.write(
    `${JSON.stringify({ bench: "sandbox", runs: RUNS, p50_ms: round(percentile(samples, 50)), p99_ms: round(percentile(samples, 99)), calls_1000_ms: round(callsMs) })}\n`,
  );
}
