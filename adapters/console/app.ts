import type { Logger } from "../../src/ops/logger.ts";
import { type App, startApp } from "../../src/compose/app.ts";
import type { Config } from "../../src/config/schema.ts";
import type { Bot } from "../../src/core/bot.ts";
import type { AdapterFactory, ChatAdapter } from "../../src/ui/adapter.ts";
import { ConsoleKeys } from "./keys.ts";
import { ConsoleOutbound } from "./outbound.ts";
import { startConsoleServer } from "./server.ts";
import { ConsoleThreadStore } from "./store.ts";

export interface ConsoleAdapterOptions {
  /** Default: 0 (a free port). */
  port?: number | undefined;
  /** Default: 127.0.0.1. */
  host?: string | undefined;
  /** Unlocks the queue dashboard's actions; required beyond loopback. */
  adminToken?: string | undefined;
}

/** The console as an adapter: threads in Redis, delivery to them, and the web server as its inbound half. */
export function consoleAdapter(options: ConsoleAdapterOptions = {}): AdapterFactory<Bot> {
  return ({ redis, prefix, readiness, metrics, queues, mcp }): ChatAdapter<Bot> => {
    const keys = new ConsoleKeys(prefix);
    const store = new ConsoleThreadStore(redis, keys);
    const outbound = new ConsoleOutbound(store, redis, keys);
    return {
      outbound,
      start: async (bot) => {
        const subscriber = redis.duplicate();
        // The app's own connection already reports a Redis outage; this one only reconnects quietly.
        subscriber.on("error", () => {});
        const web = await startConsoleServer({
          bot,
          outbound,
          store,
          subscriber,
          keys,
          port: options.port,
          host: options.host,
          readiness,
          metrics,
          queues,
          mcp,
          adminToken: options.adminToken,
        });
        return { describe: `console  ${web.url}`, url: web.url, close: () => web.close() };
      },
    };
  };
}

export interface ConsoleApp {
  app: App;
  web: { url: string };
  close(): Promise<void>;
}

/** The whole bot behind the local console: what `codemem start` serves and what its tests drive. */
export async function startConsoleApp(options: {
  config: Config;
  log: Logger;
  port?: number | undefined;
}): Promise<ConsoleApp> {
  const { host, adminToken } = options.config.console;
  const adapter = consoleAdapter({ port: options.port, host, adminToken });
  const app = await startApp({ config: options.config, adapters: [adapter], log: options.log });
  const url = app.surfaces[0]?.url;
  if (url === undefined) {
    await app.close();
    throw new Error("the console did not start");
  }
  return { app, web: { url }, close: () => app.close() };
}
