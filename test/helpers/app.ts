import { join } from "node:path";
import { inject } from "vitest";
import { startConsoleApp, type ConsoleApp } from "../../adapters/console/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { secretsOf } from "../../src/ops/logger.ts";
import { tempStateDir } from "./demo.ts";
import { captureLog } from "./log.ts";

export interface TestConsoleApp extends ConsoleApp {
  /** The environment this app was configured from: a `codemem worker` given it joins this app. */
  env: Record<string, string>;
  home: string;
}

/** The whole bot with the console adapter, in this process, on the suite's Redis with a fresh prefix and data dir. */
export async function startTestConsoleApp(extraEnv: Record<string, string> = {}): Promise<TestConsoleApp> {
  const home = tempStateDir("codemem-app-");
  const env = {
    REDIS_URL: inject("redisUrl"),
    CODEMEM_HOME: join(home.dir, ".codemem"),
    CODEMEM_PREFIX: `t${process.pid}x${Date.now().toString(36)}`,
    CODEMEM_SEMANTIC: "off",
    ...extraEnv,
  };
  const config = loadConfig({ env, cwd: home.dir });
  const running = await startConsoleApp({ config, log: captureLog({ secrets: secretsOf(config) }).logger });
  return {
    ...running,
    env,
    home: home.dir,
    close: async () => {
      await running.close();
      home.cleanup();
    },
  };
}
