import { join } from "node:path";
import { inject } from "vitest";
import { startConsoleServer, type RunningConsole } from "../../adapters/console/server.ts";
import { ConsoleThreadStore } from "../../adapters/console/store.ts";
import { ConsoleSurface } from "../../adapters/console/surface.ts";
import { startApp, type App } from "../../src/cli/app.ts";
import { loadConfig } from "../../src/config.ts";
import { tempStateDir } from "./demo.ts";

/** The whole bot with the console adapter, in this process, on the suite's Redis and a fresh data dir. */
export async function startConsoleApp(): Promise<{ app: App; web: RunningConsole; store: ConsoleThreadStore; close(): Promise<void> }> {
  const home = tempStateDir("codemem-app-");
  const prefix = `t${process.pid}x${Date.now()}`;
  const config = loadConfig({ env: { REDIS_URL: inject("redisUrl"), CODEMEM_HOME: join(home.dir, ".codemem") }, cwd: home.dir });
  let surface: ConsoleSurface | undefined;
  const late = {
    post: (...args: Parameters<ConsoleSurface["post"]>) => (surface as ConsoleSurface).post(...args),
    update: (...args: Parameters<ConsoleSurface["update"]>) => (surface as ConsoleSurface).update(...args),
  };
  const app = await startApp({ config, surface: late, log: () => {}, prefix });
  const store = new ConsoleThreadStore(app.redis, `${prefix}:console`);
  surface = new ConsoleSurface(store);
  const web = await startConsoleServer({ bot: app.bot, surface, store });
  return {
    app,
    web,
    store,
    close: async () => {
      await web.close();
      await app.close();
      home.cleanup();
    },
  };
}
