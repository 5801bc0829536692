/**
 * Runs' ends as they are published (SkillRuntime.endedChannel), so a waiting call returns the moment
 * its run ends instead of at its next poll. A message missed (a reconnect) costs one poll, no more.
 */
export class RunEndings {
  private readonly waiting = new Map<string, Set<() => void>>();

  /** The channel said this run ended. */
  ended(runId: string): void {
    const waiters = this.waiting.get(runId);
    this.waiting.delete(runId);
    for (const done of waiters ?? []) done();
  }

  /** Resolves when the run ends or after `ms`, whichever is first. */
  wait(runId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.waiting.get(runId) ?? new Set<() => void>();
      this.waiting.set(runId, waiters);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.waiting.get(runId) === waiters) this.waiting.delete(runId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiters.add(done);
    });
  }
}
