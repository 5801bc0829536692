import { startApp, type App } from "../../src/cli/app.ts";
import type { Config } from "../../src/config.ts";
import { ThrottledSurface } from "../../src/ui/surface.ts";
import { startConsoleServer, type RunningConsole } from "./server.ts";
import { ConsoleThreadStore } from "./store.ts";
import { ConsoleSurface } from "./surface.ts";

export interface ConsoleApp {
  app: App;
  web: RunningConsole;
  store: ConsoleThreadStore;
  close(): Promise<void>;
}

/** The whole bot behind the local console: what `codemem start` serves and what its tests drive. */
export async function startConsoleApp(options: { config: Config; log: (line: string) => void; prefix?: string | undefined; port?: number | undefined }): Promise<ConsoleApp> {
  const prefix = options.prefix ?? options.config.prefix;
  // The surface needs the app's Redis and the app needs the surface: bind it once the app is up.
  let surface: ConsoleSurface | undefined;
  const late = {
    post: (...args: Parameters<ConsoleSurface["post"]>) => (surface as ConsoleSurface).post(...args),
    update: (...args: Parameters<ConsoleSurface["update"]>) => (surface as ConsoleSurface).update(...args),
  };
  const app = await startApp({ config: options.config, surface: new ThrottledSurface(late, { intervalMs: 250 }), log: options.log, prefix });
  try {
    const store = new ConsoleThreadStore(app.redis, `${prefix}:console`);
    surface = new ConsoleSurface(store);
    const web = await startConsoleServer({ bot: app.bot, surface, store, port: options.port });
    return {
      app,
      web,
      store,
      close: async () => {
        await web.close();
        await app.close();
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}
