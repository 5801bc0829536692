import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One activity as the fake Bot Connector keeps it. */
export interface FakeTeamsActivity {
  id: string;
  conversationId: string;
  activity: Record<string, unknown>;
  updates: number;
}

/**
 * A fake of the Bot Framework Connector on loopback (the `serviceUrl` of a conversation reference):
 * it stores posted activities, takes updates, answers 429 with Retry-After on demand and records every
 * request, as Teams' connector would.
 */
export class FakeTeams {
  readonly activities = new Map<string, FakeTeamsActivity>();
  readonly requests: { method: string; path: string }[] = [];
  /** The next N requests answer 429 with this Retry-After (seconds). */
  rateLimit = { next: 0, retryAfter: 1 };
  private server: Server | undefined;
  private seq = 1_700_000_000_000;
  url = "";

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req).then(([status, body, headers]) => {
          res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
        }),
    );
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The card of an activity, as Teams would render it. */
  card(id: string): Record<string, unknown> | undefined {
    const attachments = this.activities.get(id)?.activity.attachments as
      | { content?: Record<string, unknown> }[]
      | undefined;
    return attachments?.[0]?.content;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown, Record<string, string>?]> {
    const raw = await new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => resolve(body));
    });
    const path = new URL(req.url ?? "/", "http://teams").pathname;
    this.requests.push({ method: req.method ?? "", path });
    if (this.rateLimit.next > 0) {
      this.rateLimit.next--;
      return [
        429,
        { error: { code: "TooManyRequests", message: "slow down" } },
        { "retry-after": String(this.rateLimit.retryAfter) },
      ];
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (match === null) return [404, { error: { code: "NotFound", message: path } }];
    const conversationId = decodeURIComponent(match[1] as string);
    const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const activity = JSON.parse(raw || "{}") as Record<string, unknown>;
    if (req.method === "PUT" && activityId !== undefined) {
      const existing = this.activities.get(activityId);
      if (existing === undefined)
        return [404, { error: { code: "ActivityNotFoundInConversation", message: activityId } }];
      existing.activity = activity;
      existing.updates++;
      return [200, { id: activityId }];
    }
    if (req.method === "POST") {
      const id = String(++this.seq);
      this.activities.set(id, { id, conversationId, activity, updates: 0 });
      return [201, { id }];
    }
    return [405, { error: { code: "MethodNotAllowed", message: req.method } }];
  }
}
