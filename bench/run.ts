/**
 * `npm run bench -- <name…>`: runs the named benchmarks (all when none is named); each prints one
 * JSON line on stdout.
 */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  sandbox: async () => (await import("./sandbox.ts")).benchSandbox(),
  discovery: async () => (await import("./discovery.ts")).benchDiscovery(),
  "discovery-semantic": async () => (await import("./discovery.ts")).benchDiscoverySemantic(),
  "discovery-quality": async () => (await import("./discovery-quality.ts")).benchDiscoveryQuality(),
  tokens: async () => (await import("./tokens.ts")).benchTokens(),
  "skill-run": async () => (await import("./skill-run.ts")).benchSkillRun(),
  "queue-overhead": async () => (await import("./queue-overhead.ts")).benchQueueOverhead(),
  outbox: async () => (await import("./outbox.ts")).benchOutbox(),
  "slack-ack": async () => (await import("./slack-ack.ts")).benchSlackAck(),
  "serving-under-load": async () => (await import("./serving-under-load.ts")).benchServingUnderLoad(),
  "mcp-call": async () => (await import("./mcp-call.ts")).benchMcpCall(),
  soak: async () => (await import("./soak.ts")).benchSoak(),
  startup: async () => (await import("./startup.ts")).benchStartup(),
};

const names = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
for (const name of selected) {
  const bench = BENCHMARKS[name];
  if (bench === undefined) {
    process.stderr.write(`unknown benchmark "${name}"; available: ${Object.keys(BENCHMARKS).join(", ")}\n`);
    process.exitCode = 2;
    continue;
  }
  await bench();
}
