import { format } from "node:util";
import type { Logger } from "../../src/ops/logger.ts";
import { TEAMS_PLATFORM } from "./platform.ts";

const FROM_BOTBUILDER = /[\\/]node_modules[\\/](botbuilder|botframework-)[^\\/]*[\\/]/;

/**
 * botbuilder has no logger option: what it reports (a forged or expired token, a bad activity) goes
 * to console.error and console.warn. While Teams is served, those calls made from botbuilder's own
 * modules become log lines with `platform: "teams"`; any other console output is left alone. Returns
 * the undo.
 */
export function routeBotbuilderConsole(log: Logger): () => void {
  const original = { error: console.error, warn: console.warn };
  const child = log.child({ platform: TEAMS_PLATFORM, source: "botbuilder" });
  const route =
    (level: "error" | "warn") =>
    (...args: unknown[]): void => {
      // Only callers inside botbuilder's packages; the stack is read only when something is printed.
      const caller = new Error().stack?.split("\n").slice(2, 4).join("\n") ?? "";
      if (FROM_BOTBUILDER.test(caller)) child[level](format(...args));
      else original[level](...args);
    };
  console.error = route("error");
  console.warn = route("warn");
  return () => {
    console.error = original.error;
    console.warn = original.warn;
  };
}
