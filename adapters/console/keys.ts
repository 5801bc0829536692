import { CONSOLE_PLATFORM } from "./platform.ts";

/** The console's Redis keys, under the app's prefix. Threads are kept (the console is local). */
export class ConsoleKeys {
  private readonly base: string;

  constructor(prefix: string) {
    this.base = `${prefix}:${CONSOLE_PLATFORM}`;
  }

  /** The counter message ids are made from. */
  seq(): string {
    return `${this.base}:seq`;
  }
  /** One thread's messages by id (a hash of JSON). */
  thread(id: string): string {
    return `${this.base}:thread:${id}`;
  }
  /** Every thread by its last change (a sorted set). */
  threads(): string {
    return `${this.base}:threads`;
  }
  /** The pub/sub channel of console events, so a page sees what any process delivered. */
  events(): string {
    return `${this.base}:events`;
  }
}
