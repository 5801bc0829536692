import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    pool: "forks",
    // isolated-vm needs this on Node 20; NODE_OPTIONS refuses it, so it goes to each fork.
    execArgv: ["--no-node-snapshot"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // The local embedding model would embed the demo registry in every app a test starts (the tests of
    // discovery turn it on where they measure it); and the sources are tested, never a stale dist/.
    env: { CODEMEM_SEMANTIC: "off", CODEMEM_SOURCE: "1" },
  },
});
