import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { userError } from "../src/errors.ts";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpHostOptions {
  /** Default: 3000 (PORT). 0 picks a free one. */
  port: number;
  /** Default: all interfaces (chat platforms reach the bot through a public endpoint). */
  host?: string | undefined;
}

/**
 * One HTTP server for every platform's receiver, so Slack's /slack/events and Teams' /api/messages
 * share PORT behind one load balancer rule. It listens when the first route is added and closes
 * when the last one goes.
 */
export class HttpHost {
  private readonly routes = new Map<string, RouteHandler>();
  private server: Server | undefined;
  private listening: Promise<number> | undefined;

  constructor(private readonly options: HttpHostOptions) {}

  /** Serves `path` with `handler`; resolves with the URL it is reachable at on this machine. */
  async route(path: string, handler: RouteHandler): Promise<string> {
    this.routes.set(path, handler);
    if (this.listening === undefined) this.listening = this.listen();
    const port = await this.listening;
    return `http://127.0.0.1:${port}${path}`;
  }

  async unroute(path: string): Promise<void> {
    this.routes.delete(path);
    if (this.routes.size > 0 || this.server === undefined) return;
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private listen(): Promise<number> {
    const server = createServer((req, res) => {
      const handler = this.routes.get(new URL(req.url ?? "/", "http://host").pathname);
      if (handler === undefined) {
        res.writeHead(404).end();
        return;
      }
      void Promise.resolve(handler(req, res)).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server = server;
    return new Promise<number>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        const why =
          error.code === "EADDRINUSE" ? `port ${this.options.port} is in use; set PORT to a free one` : error.message;
        reject(userError("CONFIG_INVALID", `the chat receivers could not listen (${why})`));
      });
      server.listen(this.options.port, this.options.host, () => resolve((server.address() as AddressInfo).port));
    });
  }
}
