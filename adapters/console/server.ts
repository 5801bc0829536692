import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import type { Bot } from "../../src/core/bot.ts";
import { isCommandMention } from "../../src/core/commands.ts";
import { readBody } from "../../src/http/read-body.ts";
import { consoleThread, type ConsoleThreadStore } from "./store.ts";
import type { ConsoleSurface } from "./surface.ts";

const sendBody = z.object({ thread: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).optional(), user: z.string().trim().min(1).max(40), text: z.string().trim().min(1).max(4000) }).strict();
const clickBody = z.object({ user: z.string().trim().min(1).max(40), value: z.unknown() }).strict();

export interface ConsoleServerOptions {
  bot: Bot;
  surface: ConsoleSurface;
  store: ConsoleThreadStore;
  /** Default: 0 (a free port). */
  port?: number | undefined;
  /** Default: 127.0.0.1 — the console has no login, so it stays on this machine. */
  host?: string | undefined;
}

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

const PAGE = readFileSync(new URL("./page.html", import.meta.url), "utf8");

/**
 * The local console: a web chat served on loopback. Messages typed in the composer become Bot events
 * (`@codemem …` a mention, `/codemem …` a command, anything else a reply); the page renders UiMessages
 * and follows updates over server-sent events.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsole> {
  const { bot, surface, store } = options;
  const streams = new Set<ServerResponse>();
  const unsubscribe = surface.onEvent((event) => {
    const data = `data: ${JSON.stringify(event)}\n\n`;
    for (const stream of streams) stream.write(data);
  });

  const server: Server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://console");
      if (req.method === "GET" && url.pathname === "/") return respond(res, 200, PAGE, "text/html; charset=utf-8");
      if (req.method === "GET" && url.pathname === "/api/threads") return json(res, 200, { threads: await store.threads() });
      if (req.method === "GET" && url.pathname === "/api/events") {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
        res.write(": connected\n\n");
        streams.add(res);
        req.on("close", () => streams.delete(res));
        return;
      }
      if (req.method === "POST" && url.pathname === "/api/send") {
        const body = sendBody.safeParse(await readJson(req));
        if (!body.success) return json(res, 400, { error: `bad message: ${body.error.issues[0]?.path.join(".")} ${body.error.issues[0]?.message}` });
        const thread = body.data.thread ?? randomUUID();
        const { user, text } = body.data;
        const human = await surface.postHuman(thread, user, text);
        const ref = consoleThread(thread);
        const mention = /^@codemem\b/i.exec(text);
        if (/^\/codemem\b/i.test(text) || (mention && isCommandMention(text.slice(mention[0].length)))) {
          await surface.post(ref, await bot.onCommand({ user, text: mention ? text.slice(mention[0].length) : text, thread: ref }));
        } else if (mention) {
          await bot.onMention({ thread: ref, user, text: text.slice(mention[0].length).trim(), eventId: `console-${human.id}` });
        } else {
          await bot.onReply({ thread: ref, user, text, eventId: `console-${human.id}` });
        }
        return json(res, 200, { thread });
      }
      if (req.method === "POST" && url.pathname === "/api/click") {
        const body = clickBody.safeParse(await readJson(req));
        if (!body.success) return json(res, 400, { error: "bad click" });
        return json(res, 200, await bot.onAction({ user: body.data.user, value: body.data.value }));
      }
      return json(res, 404, { error: "not found" });
    } catch (error) {
      return json(res, 500, { error: (error as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? "127.0.0.1"}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function respond(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  respond(res, status, JSON.stringify(body), "application/json");
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readBody(req, 100_000)) || "null");
  } catch (error) {
    if ((error as { code?: string }).code === "BODY_TOO_LARGE") throw error;
    return null;
  }
}
