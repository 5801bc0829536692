/** The session store's Redis keys, under the app's prefix. Sessions are kept. */
export class SessionKeys {
  constructor(readonly prefix: string) {}

  /** One thread's session, as JSON (src/agent/session.ts). */
  session(sessionId: string): string {
    return `${this.prefix}:session:${sessionId}`;
  }
}
