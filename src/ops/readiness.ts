import type { ReadinessReport } from "../ui/adapter.ts";

/** One thing a ready process needs; resolves to a problem in a few words, or undefined when fine. */
export type ReadinessCheck = () => Promise<string | undefined>;

/** A check that takes longer than this has failed: a probe must not hang on a Redis that is gone. */
const CHECK_TIMEOUT_MS = 1000;

export async function readinessOf(checks: Readonly<Record<string, ReadinessCheck>>): Promise<ReadinessReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS);
      });
      try {
        return [name, (await Promise.race([check(), timeout])) ?? "ok"] as const;
      } catch (error) {
        return [name, (error as Error).message || "failed"] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ready: results.every(([, result]) => result === "ok"), checks: Object.fromEntries(results) };
}
