/** Resolves at the first Ctrl-C (SIGINT) or SIGTERM: how a long-running command waits to stop. */
export function stopSignal(): Promise<void> {
  return new Promise<void>((done) => {
    process.once("SIGINT", () => done());
    process.once("SIGTERM", () => done());
  });
}
