import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** One message as the fake Slack keeps it. */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string | undefined;
  text: string;
  blocks: Record<string, unknown>[];
  /** Set on chat.postEphemeral: the one user who sees it. */
  ephemeralFor?: string | undefined;
  updates: number;
  /** When Slack got it (Date.now()). */
  at: number;
  /** A streamed message (chat.startStream): its chunks so far, and whether it still streams. */
  chunks?: Record<string, unknown>[] | undefined;
  streaming?: boolean | undefined;
}

export interface FakeSlackCall {
  method: string;
  args: Record<string, unknown>;
}

/** Why Slack would refuse these blocks with invalid_blocks, or undefined when it would take them. */
export function blockKitProblem(blocks: unknown, workspace: { planBlocks?: boolean } = {}): string | undefined {
  if (!Array.isArray(blocks)) return "blocks is not an array";
  if (blocks.length > 50) return `${blocks.length} blocks (at most 50)`;
  // Slack's reference: one table a message, at most 100 rows of at most 20 cells, raw_text or rich_text.
  if ((blocks as Record<string, unknown>[]).filter((block) => block.type === "table").length > 1)
    return "more than one table block";
  for (const block of blocks as Record<string, unknown>[]) {
    if (block.type === "table") {
      const rows = block.rows as Record<string, unknown>[][] | undefined;
      if (!Array.isArray(rows) || rows.length === 0 || rows.length > 100) return "a table has 1 to 100 rows";
      for (const row of rows) {
        if (!Array.isArray(row) || row.length === 0 || row.length > 20) return "a table row has 1 to 20 cells";
        for (const cell of row) {
          if (cell.type === "raw_text" && (typeof cell.text !== "string" || cell.text === ""))
            return "raw_text cell without text";
          if (cell.type !== "raw_text" && cell.type !== "rich_text") return `table cell of type ${String(cell.type)}`;
        }
      }
    }
    if (block.type === "plan") {
      if (workspace.planBlocks === false) return "unsupported block type: plan";
      if (typeof block.title !== "string" || block.title === "") return "a plan needs a title";
      const tasks = block.tasks as Record<string, unknown>[] | undefined;
      for (const task of tasks ?? []) {
        if (task.type !== "task_card") return `plan task of type ${String(task.type)}`;
        if (typeof task.task_id !== "string" || typeof task.title !== "string")
          return "task_card needs task_id and title";
        if (!["pending", "in_progress", "complete", "error"].includes(String(task.status ?? "pending")))
          return `task_card status ${String(task.status)}`;
      }
    }
    const text = (block.text as { text?: string } | undefined)?.text;
    if (block.type === "section" && text !== undefined && text.length > 3000)
      return `section text of ${text.length} characters`;
    if (block.type === "header" && text !== undefined && text.length > 150) return "header over 150 characters";
    if (block.type === "section" && Array.isArray(block.fields) && block.fields.length > 10)
      return "more than 10 fields";
    if (block.type === "actions") {
      const elements = block.elements as { value?: string; text?: { text?: string }; action_id?: string }[];
      if (elements.length > 25) return "more than 25 elements";
      const ids = new Set(elements.map((element) => element.action_id));
      if (ids.size !== elements.length) return "duplicate action_id in one block";
      for (const element of elements) {
        if ((element.value ?? "").length > 2000) return "button value over 2,000 characters";
        if ((element.text?.text ?? "").length > 75) return "button text over 75 characters";
      }
    }
  }
  return undefined;
}

/** Why Slack would refuse these streaming chunks (its chunk reference), or undefined. */
export function chunkProblem(chunks: unknown): string | undefined {
  if (chunks === undefined) return undefined;
  if (!Array.isArray(chunks)) return "chunks is not an array";
  for (const chunk of chunks as Record<string, unknown>[]) {
    switch (chunk.type) {
      case "markdown_text":
        if (typeof chunk.text !== "string") return "markdown_text without text";
        break;
      case "plan_update":
        if (typeof chunk.title !== "string" || chunk.title === "") return "plan_update without a title";
        break;
      case "task_update":
        if (typeof chunk.id !== "string" || typeof chunk.title !== "string") return "task_update needs id and title";
        if (!["pending", "in_progress", "complete", "error"].includes(String(chunk.status)))
          return `task_update status ${String(chunk.status)}`;
        break;
      case "blocks": {
        const problem = blockKitProblem(chunk.blocks);
        if (problem !== undefined) return problem;
        break;
      }
      default:
        return `chunk type ${String(chunk.type)}`;
    }
  }
  return undefined;
}

/**
 * A fake of the Slack Web API on loopback, for bolt's `slackApiUrl` and the web-api client: it
 * answers like Slack (ts values, ok/error, 429 with retry-after, invalid_blocks past the limits),
 * keeps the messages, and records every call. It also takes `response_url` posts.
 */
export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  readonly messages = new Map<string, FakeSlackMessage>();
  /** What bolt's respond() sent to response URLs, in order. */
  readonly responses: Record<string, unknown>[] = [];
  /** Files uploaded (files.uploadV2's three steps), with where they were shared. */
  readonly files: {
    id: string;
    filename: string;
    content: string;
    title?: string;
    channel?: string;
    thread_ts?: string;
  }[] = [];
  /** Members of user groups, by group id. */
  readonly userGroups = new Map<string, string[]>([["SOPS", ["UOPS"]]]);
  /** Whether this workspace renders plan blocks (else invalid_blocks, as a client without them answers). */
  planBlocks = true;
  /** Whether the app has Slack's agent features: chat.startStream and the status line work, else they answer an error. */
  streaming = true;
  /** The next N Web API calls answer 429 with this retry-after (seconds). */
  rateLimit = { next: 0, retryAfter: 1 };
  private server: Server | undefined;
  private sockets: WebSocketServer | undefined;
  private socket: WebSocket | undefined;
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private envelopes = 0;
  private clock = 1_700_000_000;
  private seq = 0;
  url = "";

  async start(): Promise<void> {
    this.server = createServer(
      (req, res) =>
        void this.handle(req).then(([status, body, headers]) => {
          res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
        }),
    );
    // Socket Mode: apps.connections.open hands out ws://…/socket; the client acks each envelope by id.
    this.sockets = new WebSocketServer({ server: this.server, path: "/socket" });
    this.sockets.on("connection", (socket) => {
      this.socket = socket;
      socket.on("message", (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id !== undefined) this.acks.get(message.envelope_id)?.(message.payload ?? {});
      });
      socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { host: "fake" } }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Whether a Socket Mode client is connected. */
  get socketConnected(): boolean {
    return this.socket?.readyState === 1;
  }

  /**
   * Sends one Socket Mode envelope (`events_api`, `interactive`, `slash_commands`) and resolves with
   * the client's ack payload, as Slack waits for it.
   */
  sendEnvelope(type: string, payload: unknown): Promise<unknown> {
    const socket = this.socket;
    if (socket === undefined) return Promise.reject(new Error("no Socket Mode client connected"));
    const id = `env-${++this.envelopes}`;
    const acked = new Promise<unknown>((resolve) => this.acks.set(id, resolve));
    socket.send(
      JSON.stringify({
        envelope_id: id,
        type,
        payload,
        accepts_response_payload: type !== "events_api",
        retry_attempt: 0,
      }),
    );
    return acked;
  }

  /** The base bolt and WebClient take as slackApiUrl. */
  get apiUrl(): string {
    return `${this.url}api/`;
  }

  /** A response_url to put in interaction and command payloads. */
  responseUrl(id: string): string {
    return `${this.url}respond/${id}`;
  }

  async close(): Promise<void> {
    for (const client of this.sockets?.clients ?? []) client.terminate();
    this.sockets?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  callsTo(method: string): FakeSlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** A channel's or thread's messages in order, as a member of the channel (`user`) sees them. */
  thread(channel: string, threadTs: string, user?: string): FakeSlackMessage[] {
    return [...this.messages.values()]
      .filter((m) => m.channel === channel && (m.ts === threadTs || m.thread_ts === threadTs))
      .filter((m) => m.ephemeralFor === undefined || m.ephemeralFor === user)
      .sort((a, b) => Number(a.ts) - Number(b.ts));
  }

  private nextTs(): string {
    this.seq++;
    return `${this.clock + this.seq}.${String(this.seq).padStart(6, "0")}`;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown, Record<string, string>?]> {
    const raw = await new Promise<string>((resolve) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => resolve(body));
    });
    const path = new URL(req.url ?? "/", "http://slack").pathname;
    if (path.startsWith("/upload/")) {
      const file = this.files.find((f) => f.id === path.slice("/upload/".length));
      if (file !== undefined) file.content = multipartFile(raw, String(req.headers["content-type"] ?? ""));
      return [200, { ok: true }];
    }
    if (path.startsWith("/respond/")) {
      this.responses.push(JSON.parse(raw) as Record<string, unknown>);
      return [200, { ok: true }];
    }
    const method = path.replace(/^\/api\//, "");
    const args = parseArgs(raw, req.headers["content-type"] ?? "");
    this.calls.push({ method, args });
    if (this.rateLimit.next > 0) {
      this.rateLimit.next--;
      return [429, { ok: false, error: "ratelimited" }, { "retry-after": String(this.rateLimit.retryAfter) }];
    }
    const auth = String(req.headers.authorization ?? "");
    if (method === "apps.connections.open") {
      if (!/^Bearer xapp-/.test(auth) || auth === "Bearer xapp-revoked")
        return [200, { ok: false, error: "invalid_auth" }];
      return [200, { ok: true, url: `${this.url.replace(/^http/, "ws")}socket` }];
    }
    if (!/^Bearer xoxb-/.test(auth)) return [200, { ok: false, error: "not_authed" }];
    if (auth === "Bearer xoxb-revoked") return [200, { ok: false, error: "invalid_auth" }];
    return [200, this.answer(method, args)];
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? "");
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://example.slack.test/",
          team: "Example",
          user: "codemem",
          team_id: "T1",
          user_id: "UBOT",
          bot_id: "BBOT",
        };
      case "chat.postMessage":
      case "chat.postEphemeral": {
        const problem = args.blocks === undefined ? undefined : blockKitProblem(args.blocks, this);
        if (problem !== undefined) return { ok: false, error: "invalid_blocks", errors: [problem] };
        if (channel === "CGONE") return { ok: false, error: "channel_not_found" };
        const ts = this.nextTs();
        const ephemeralFor = method === "chat.postEphemeral" ? String(args.user) : undefined;
        this.messages.set(ts, {
          channel,
          ts,
          thread_ts: args.thread_ts === undefined ? undefined : String(args.thread_ts),
          text: String(args.text ?? ""),
          blocks: (args.blocks as Record<string, unknown>[] | undefined) ?? [],
          ephemeralFor,
          updates: 0,
          at: Date.now(),
        });
        return ephemeralFor ? { ok: true, message_ts: ts } : { ok: true, channel, ts, message: { text: args.text } };
      }
      case "chat.update": {
        const problem = args.blocks === undefined ? undefined : blockKitProblem(args.blocks, this);
        if (problem !== undefined) return { ok: false, error: "invalid_blocks", errors: [problem] };
        const message = this.messages.get(String(args.ts));
        if (message === undefined || message.ephemeralFor !== undefined)
          return { ok: false, error: "message_not_found" };
        message.text = String(args.text ?? "");
        message.blocks = (args.blocks as Record<string, unknown>[] | undefined) ?? [];
        message.updates++;
        return { ok: true, channel, ts: message.ts };
      }
      case "files.getUploadURLExternal": {
        const id = `F${this.files.length + 1}`;
        this.files.push({ id, filename: String(args.filename), content: "" });
        return { ok: true, upload_url: `${this.url}upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const shared = args.files as { id: string; title?: string }[];
        for (const entry of shared) {
          const file = this.files.find((f) => f.id === entry.id);
          if (file === undefined) return { ok: false, error: "file_not_found" };
          if (entry.title !== undefined) file.title = entry.title;
          file.channel = String(args.channel_id);
          if (args.thread_ts !== undefined) file.thread_ts = String(args.thread_ts);
        }
        return { ok: true, files: shared };
      }
      case "assistant.threads.setStatus":
        return this.streaming ? { ok: true } : { ok: false, error: "missing_scope", needed: "assistant:write" };
      case "chat.startStream": {
        if (!this.streaming) return { ok: false, error: "not_allowed_token_type" };
        const bad = chunkProblem(args.chunks);
        if (bad !== undefined) return { ok: false, error: "invalid_chunks", errors: [bad] };
        const ts = this.nextTs();
        this.messages.set(ts, {
          channel,
          ts,
          thread_ts: args.thread_ts === undefined ? undefined : String(args.thread_ts),
          text: "",
          blocks: [],
          chunks: [...((args.chunks as Record<string, unknown>[] | undefined) ?? [])],
          streaming: true,
          updates: 0,
          at: Date.now(),
        });
        return { ok: true, channel, ts };
      }
      case "chat.appendStream":
      case "chat.stopStream": {
        const bad = chunkProblem(args.chunks);
        if (bad !== undefined) return { ok: false, error: "invalid_chunks", errors: [bad] };
        const message = this.messages.get(String(args.ts));
        if (message?.streaming !== true) return { ok: false, error: "message_not_in_streaming_state" };
        message.chunks = [...(message.chunks ?? []), ...((args.chunks as Record<string, unknown>[] | undefined) ?? [])];
        message.updates++;
        if (method === "chat.stopStream") message.streaming = false;
        return { ok: true, channel, ts: message.ts };
      }
      case "usergroups.users.list":
        return { ok: true, users: this.userGroups.get(String(args.usergroup)) ?? [] };
      case "views.publish":
        return { ok: true, view: { id: "V1" } };
      default:
        return { ok: true };
    }
  }
}

/** The file in a multipart/form-data upload (what the web-api client sends to upload_url), else the body. */
function multipartFile(raw: string, type: string): string {
  const boundary = /boundary=(.+)$/.exec(type)?.[1];
  if (boundary === undefined) return raw;
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf("\r\n\r\n");
    if (split === -1) continue;
    return part.slice(split + 4).replace(/\r\n$/, "");
  }
  return raw;
}

const JSON_FIELDS = new Set(["blocks", "attachments", "metadata", "view", "files", "chunks"]);

/** The web-api client sends form-encoded arguments with JSON-encoded objects; bolt's respond() sends JSON. */
function parseArgs(raw: string, type: string): Record<string, unknown> {
  if (type.includes("application/json")) return JSON.parse(raw || "{}") as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  }
  return args;
}
