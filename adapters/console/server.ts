import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Queue } from "bullmq";
import { z } from "zod";
import type { Bot } from "../../src/core/bot.ts";
import { userError } from "../../src/errors.ts";
import { isLoopbackHost } from "../../src/http/loopback.ts";
import { readBody } from "../../src/http/read-body.ts";
import { challenge, isAdmin } from "./admin-auth.ts";
import { QUEUE_BOARD_PATH, QueueBoard } from "./queue-board.ts";
import type { MetricsText, ReadinessReport } from "../../src/ui/adapter.ts";
import type { User } from "../../src/ui/user.ts";
import type { ConsoleEvent, ConsoleOutbound } from "./outbound.ts";
import type { ConsoleKeys } from "./keys.ts";
import { consoleThread, type ConsoleThreadStore, visibleTo } from "./store.ts";
import { CONSOLE_PLATFORM } from "./platform.ts";

const name = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[^\s:]+$/, { error: "a name without spaces or ':'" });
const sendBody = z
  .object({
    thread: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/)
      .optional(),
    user: name,
    text: z.string().trim().min(1).max(4000),
  })
  .strict();
const clickBody = z.object({ user: name, value: z.unknown() }).strict();

/** The part of ioredis a console server listens with (a connection of its own: it subscribes). */
export interface ConsoleSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
  disconnect(): void;
}

export interface ConsoleServerOptions {
  bot: Bot;
  outbound: ConsoleOutbound;
  store: ConsoleThreadStore;
  subscriber: ConsoleSubscriber;
  /** The console's keys: its events channel is subscribed to. */
  keys: ConsoleKeys;
  /** Default: 0 (a free port). */
  port?: number | undefined;
  /** Default: 127.0.0.1 — the console has no accounts, so it stays on this machine unless a token guards it. */
  host?: string | undefined;
  /** What `/readyz` reports. Default: ready whenever the server answers. */
  readiness?: (() => Promise<ReadinessReport>) | undefined;
  /** What `/metrics` serves (Prometheus text). Default: 404. */
  metrics?: MetricsText | undefined;
  /** The queues the dashboard at /admin/queues shows. Default: no dashboard. */
  queues?: (() => readonly Queue[]) | undefined;
  /**
   * Unlocks the dashboard's actions; beyond loopback every page but /healthz and /readyz needs it
   * (Bearer, or Basic with it as the password).
   */
  adminToken?: string | undefined;
  /** The approved skills as MCP tools, served at /mcp behind their own token. Default: /mcp is off (404). */
  mcp?: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
}

export interface RunningConsole {
  url: string;
  close(): Promise<void>;
}

const PAGE = readFileSync(new URL("./page.html", import.meta.url), "utf8");

/**
 * The local console: a web chat served on loopback. What is typed in the composer goes to
 * `Bot.onMessage` (core routes commands, mentions and replies); clicks get the Bot's decision at
 * once; the page follows every message over server-sent events fed by Redis pub/sub, so messages any
 * process delivered show up. It answers only its own page: a foreign Host (DNS rebinding), a foreign
 * Origin, or a POST that is not JSON (what a cross-site form can send without a preflight) gets 403.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsole> {
  const { bot, outbound, store } = options;
  const streams = new Map<ServerResponse, string>();
  await options.subscriber.subscribe(options.keys.events());
  options.subscriber.on("message", (_channel, raw) => {
    const event = JSON.parse(raw) as ConsoleEvent;
    const data = `data: ${raw}\n\n`;
    for (const [stream, user] of streams) if (visibleTo(event.entry, user)) stream.write(data);
  });
  let allowedHosts: Set<string> | "any" = new Set<string>();
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host) && options.adminToken === undefined)
    throw userError("CONFIG_INVALID", `the console on ${host} needs an admin token (CODEMEM_ADMIN_TOKEN)`);
  const board = options.queues === undefined ? undefined : new QueueBoard(options.queues);

  const server: Server = createServer(async (req, res) => {
    try {
      // Probes (a load balancer, Kubernetes) and Prometheus come by IP or service name: answered before
      // the Host check. They say whether the process is up and ready, which check failed, and counts.
      if (req.method === "GET" && req.url === "/healthz") return json(res, 200, { status: "ok" });
      if (req.method === "GET" && req.url === "/readyz") {
        const state = (await options.readiness?.()) ?? { ready: true, checks: {} };
        return json(res, state.ready ? 200 : 503, state);
      }
      // MCP clients are programs with their own bearer token (checked by the endpoint), not the page.
      if (req.url === "/mcp" || req.url?.startsWith("/mcp?")) {
        if (options.mcp === undefined)
          return json(res, 404, { error: "MCP is off: set CODEMEM_MCP_TOKEN to serve the skills at /mcp" });
        return await options.mcp(req, res);
      }
      const admin = isAdmin(req, options.adminToken);
      // Beyond loopback nothing else answers without the token.
      if (!isLoopbackHost(host) && !admin) return challenge(res, "sign in: any user name, the admin token as password");
      if (req.method === "GET" && req.url === "/metrics" && options.metrics !== undefined)
        return respond(res, 200, await options.metrics.text(), options.metrics.contentType);
      const url = new URL(req.url ?? "/", "http://console");
      const onBoard = url.pathname === QUEUE_BOARD_PATH || url.pathname.startsWith(`${QUEUE_BOARD_PATH}/`);
      // The board's own API sends PUTs without JSON bodies; Host and Origin are checked all the same.
      const refusal = refuse(req, allowedHosts, !onBoard);
      if (refusal !== undefined) return json(res, 403, { error: refusal });
      if (board !== undefined && url.pathname === `${QUEUE_BOARD_PATH}/login`) {
        if (options.adminToken === undefined)
          return json(res, 404, {
            error: "no admin token is configured (CODEMEM_ADMIN_TOKEN): the dashboard is read-only",
          });
        if (!admin) return challenge(res, "sign in: any user name, the admin token as password");
        res.writeHead(303, { location: `${QUEUE_BOARD_PATH}/` }).end();
        return;
      }
      if (board !== undefined && onBoard) return board.handle(req, res, admin);
      const viewer = url.searchParams.get("user") ?? undefined;
      if (req.method === "GET" && url.pathname === "/") return respond(res, 200, PAGE, "text/html; charset=utf-8");
      if (req.method === "GET" && url.pathname === "/api/threads") {
        const threads = (await store.threads()).map((thread) => ({
          ...thread,
          messages: thread.messages.filter((entry) => visibleTo(entry, viewer)),
        }));
        return json(res, 200, { threads });
      }
      if (req.method === "GET" && url.pathname === "/api/runs") {
        const who = name.safeParse(viewer);
        if (!who.success) return json(res, 400, { error: "say who is asking: /api/runs?user=<name>" });
        const skill = url.searchParams.get("skill") ?? undefined;
        return json(res, 200, { message: await bot.runHistory(consoleUser(who.data), skill) });
      }
      if (req.method === "GET" && url.pathname === "/api/events") {
        res.writeHead(200, {
          "content-type": "text/event-stream",
          "cache-control": "no-store",
          connection: "keep-alive",
        });
        res.write(": connected\n\n");
        streams.set(res, viewer ?? "");
        req.on("close", () => streams.delete(res));
        return;
      }
      if (req.method === "POST" && url.pathname === "/api/send") {
        const body = sendBody.safeParse(await readJson(req));
        if (!body.success)
          return json(res, 400, {
            error: `bad message: ${body.error.issues[0]?.path.join(".")} ${body.error.issues[0]?.message}`,
          });
        const thread = body.data.thread ?? randomUUID();
        const human = await outbound.postHuman(thread, body.data.user, body.data.text);
        // The typed "@codemem" is the mention signal here; core's routing reads it from the text.
        await bot.onMessage({
          user: consoleUser(body.data.user),
          thread: consoleThread(thread),
          text: mentionsOf(body.data.text),
          mentioned: false,
          eventId: `console-${human.id}`,
        });
        return json(res, 200, { thread });
      }
      if (req.method === "POST" && url.pathname === "/api/click") {
        const body = clickBody.safeParse(await readJson(req));
        if (!body.success) return json(res, 400, { error: "bad click" });
        return json(res, 200, await bot.onAction({ user: consoleUser(body.data.user), value: body.data.value }));
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
  const { port } = server.address() as AddressInfo;
  allowedHosts = isLoopbackHost(host)
    ? new Set([`${host}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
    : "any";
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        options.subscriber.disconnect();
        for (const stream of streams.keys()) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const consoleUser = (name: string): User => ({ platform: CONSOLE_PLATFORM, id: name, name });

/** Why a request is not from the console's own page, or undefined when it is. */
function refuse(
  req: IncomingMessage,
  allowedHosts: ReadonlySet<string> | "any",
  requireJson = true,
): string | undefined {
  // On loopback only its own names (a rebound DNS name is refused); beyond, the token guards it and the
  // names it is reached by are the operator's.
  const hosts = allowedHosts === "any" ? new Set([req.headers.host ?? ""]) : allowedHosts;
  if (!hosts.has(req.headers.host ?? ""))
    return `this console answers only at ${[...hosts][0]} (Host was ${req.headers.host ?? "missing"})`;
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  const origin = req.headers.origin;
  if (origin !== undefined && !hosts.has(origin.replace(/^https?:\/\//, "")))
    return `cross-site request from ${origin} refused`;
  if (!requireJson || req.method !== "POST") return undefined;
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return "send JSON (content-type: application/json)";
  return undefined;
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

/** A console user is their name: a typed `@bob` is a mention of console:bob, as `<@U…>` is on Slack. */
function mentionsOf(text: string): string {
  return text.replace(/(^|\s)@(?!codemem\b)([\w.-]{1,64})/gi, "$1<@$2>");
}
