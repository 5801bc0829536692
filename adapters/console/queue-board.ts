import type { IncomingMessage, ServerResponse } from "node:http";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queue } from "bullmq";
import express from "express";

export const QUEUE_BOARD_PATH = "/admin/queues";

/**
 * Bull Board over the app's queues (runs, items, the agent's turns, each platform's deliveries), mounted
 * at /admin/queues. Without admin rights it is read-only twice over: Bull Board hides its actions and
 * answers 405 to them, and anything but GET is refused here before Bull Board sees it (its metrics
 * purge, for one, is not queue-scoped). The queues are read at the first request, since the adapter
 * is made before the app's queues are.
 */
export class QueueBoard {
  /** One board per mode, made when first asked for: without a token the admin one never is. */
  private readonly boards = new Map<"admin" | "read-only", express.Express>();

  constructor(private readonly queues: () => readonly Queue[]) {}

  handle(req: IncomingMessage, res: ServerResponse, admin: boolean): void {
    if (!admin && req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(403, { "content-type": "application/json" }).end(
        JSON.stringify({
          error: "the queue dashboard is read-only: sign in at /admin/queues/login with the admin token",
        }),
      );
      return;
    }
    const mode = admin ? "admin" : "read-only";
    let board = this.boards.get(mode);
    if (board === undefined) {
      const queues = this.queues();
      if (queues.length === 0) {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: "starting" }));
        return;
      }
      board = this.board(queues, !admin);
      this.boards.set(mode, board);
    }
    board(req, res);
  }

  private board(queues: readonly Queue[], readOnlyMode: boolean): express.Express {
    const server = new ExpressAdapter();
    server.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode })),
      serverAdapter: server,
      options: { uiConfig: { boardTitle: readOnlyMode ? "codemem (read-only)" : "codemem", hideDocsLink: true } },
    });
    const app = express();
    app.disable("x-powered-by");
    app.use(QUEUE_BOARD_PATH, server.getRouter());
    return app;
  }
}
