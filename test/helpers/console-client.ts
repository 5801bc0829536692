import { request } from "node:http";
import type { ConsoleMessage } from "../../adapters/console/store.ts";
import type { ClickResult } from "../../src/core/bot.ts";
import type { Button, ButtonValue, CommandValue } from "../../src/ui/message.ts";
import { waitFor } from "./demo.ts";

/** One raw HTTP request, with any headers (fetch will not forge Host), as a browser or a script sends it. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The console's HTTP API as one person uses it from the page (JSON, same origin). */
export class ConsoleClient {
  constructor(
    private readonly url: string,
    readonly user: string,
  ) {}

  async send(text: string, thread?: string): Promise<string> {
    const reply = await this.post("api/send", { user: this.user, text, ...(thread ? { thread } : {}) });
    return (reply as { thread: string }).thread;
  }

  async click(value: ButtonValue | CommandValue): Promise<ClickResult> {
    return (await this.post("api/click", { user: this.user, value })) as ClickResult;
  }

  /** The thread's messages as this person sees them (public ones and their own private ones). */
  async messages(thread: string): Promise<ConsoleMessage[]> {
    const reply = await fetch(`${this.url}api/threads?user=${encodeURIComponent(this.user)}`);
    const { threads } = (await reply.json()) as { threads: { id: string; messages: ConsoleMessage[] }[] };
    return threads.find((t) => t.id === thread)?.messages ?? [];
  }

  /** Waits until the thread shows buttons of this kind, and returns them. */
  async buttons(thread: string, type: "question" | "proposal", timeoutMs = 60_000): Promise<Button[]> {
    let found: Button[] = [];
    await waitFor(async () => {
      for (const entry of await this.messages(thread)) {
        for (const block of entry.message.blocks) {
          if (block.type === type && block.buttons.length > 0) found = block.buttons;
        }
      }
      return found.length > 0;
    }, timeoutMs);
    return found;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const reply = await fetch(`${this.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!reply.ok) throw new Error(`${path} answered ${reply.status}: ${await reply.text()}`);
    return reply.json();
  }
}
