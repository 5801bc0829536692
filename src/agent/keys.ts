/** The session store's Redis keys, under the app's prefix. Sessions are kept. */
export class SessionKeys {
  constructor(readonly prefix: string) {}

  /** One thread's session, as JSON (src/agent/session.ts). */
  session(sessionId: string): string {
    return `${this.prefix}:session:${sessionId}`;
  }
  /** Every session id by its last save (a sorted set): what the retention reads. */
  index(): string {
    return `${this.prefix}:sessions`;
  }
}
