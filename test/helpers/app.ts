import { join } from "node:path";
import { inject } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../../adapters/console/app.ts";
import { loadConfig } from "../../src/config.ts";
import { tempStateDir } from "./demo.ts";

/** The whole bot with the console adapter, in this process, on the suite's Redis and a fresh data dir. */
export async function startTestConsoleApp(): Promise<ConsoleApp> {
  const home = tempStateDir("codemem-app-");
  const config = loadConfig({ env: { REDIS_URL: inject("redisUrl"), CODEMEM_HOME: join(home.dir, ".codemem") }, cwd: home.dir });
  const running = await startConsoleApp({ config, log: () => {}, prefix: `t${process.pid}x${Date.now()}` });
  return {
    ...running,
    close: async () => {
      await running.close();
      home.cleanup();
    },
  };
}
