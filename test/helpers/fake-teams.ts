import { cardProblem } from "./adaptive-card.ts";
import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MicrosoftAppCredentials, ServiceClientCredentialsFactory } from "botframework-connector";

/** The issuer of the fake's tokens (TEAMS_TOKEN_ISSUER). */
export const FAKE_TEAMS_ISSUER = "https://api.botframework.test";

/**
 * Bot credentials for tests: the app id is checked, and the Bot Connector is called without a token
 * (no Azure AD is reachable here; the fake connector needs none).
 */
export class TestCredentials extends ServiceClientCredentialsFactory {
  constructor(private readonly appId: string) {
    super();
  }
  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }
  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }
  async createCredentials(): Promise<MicrosoftAppCredentials> {
    return MicrosoftAppCredentials.Empty;
  }
}

const base64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

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
  /** Conversations the bot created (personal chats), with their members. */
  readonly conversations = new Map<string, { id: string; name?: string }[]>();
  readonly requests: { method: string; path: string }[] = [];
  /** The next N requests answer 429 with this Retry-After (seconds). */
  rateLimit = { next: 0, retryAfter: 1 };
  /** Whether this bot may stream (Teams' streaming in personal chats); else streaminfo is refused. */
  streaming = true;
  /** Streams by id (their first activity): the informative updates' texts in order, and whether one ended. */
  readonly streams = new Map<string, { conversationId: string; sequence: number; updates: string[]; final: boolean }>();
  private server: Server | undefined;
  private seq = 1_700_000_000_000;
  url = "";
  /**
   * The key Bot Framework tokens are signed with, published at /keys endorsed for Teams, Web Chat and
   * Direct Line, as Azure publishes it for every bot (Web Chat is on by default).
   */
  private readonly keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  /** A key nobody published (a forged token). */
  private readonly stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });

  /** The environment of a bot with this app id whose Bot Framework tokens come from this fake. */
  env(appId: string): Record<string, string> {
    return {
      MicrosoftAppId: appId,
      MicrosoftAppPassword: "not-used-with-test-credentials",
      TEAMS_OPENID_METADATA_URL: this.openIdMetadataUrl,
      TEAMS_TOKEN_ISSUER: FAKE_TEAMS_ISSUER,
      TEAMS_TENANTS: "tenant-1",
    };
  }

  /** What TEAMS_OPENID_METADATA_URL points at. */
  get openIdMetadataUrl(): string {
    return `${this.url}openid`;
  }

  /**
   * A Bot Framework token as the channel sends it: RS256 by the published key, issuer, audience = the
   * bot's app id, and the serviceurl claim of the activity it comes with.
   */
  token(appId: string, serviceUrl: string, options: { forged?: boolean; expired?: boolean } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", kid: "fake-key" };
    const payload = {
      iss: FAKE_TEAMS_ISSUER,
      aud: appId,
      serviceurl: serviceUrl,
      nbf: now - 60,
      iat: now - 60,
      exp: options.expired ? now - 3600 : now + 3600,
    };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    const key: KeyObject = options.forged ? this.stranger.privateKey : this.keys.privateKey;
    const signature = createSign("RSA-SHA256").update(unsigned).sign(key);
    return `${unsigned}.${base64url(signature)}`;
  }

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
    if (path === "/openid") {
      return [
        200,
        { issuer: FAKE_TEAMS_ISSUER, jwks_uri: `${this.url}keys`, id_token_signing_alg_values_supported: ["RS256"] },
      ];
    }
    if (path === "/keys") {
      const jwk = this.keys.publicKey.export({ format: "jwk" });
      return [
        200,
        {
          keys: [
            {
              kty: "RSA",
              use: "sig",
              kid: "fake-key",
              n: jwk.n,
              e: jwk.e,
              endorsements: ["msteams", "webchat", "directline"],
            },
          ],
        },
      ];
    }
    this.requests.push({ method: req.method ?? "", path });
    if (this.rateLimit.next > 0) {
      this.rateLimit.next--;
      return [
        429,
        { error: { code: "TooManyRequests", message: "slow down" } },
        { "retry-after": String(this.rateLimit.retryAfter) },
      ];
    }
    if (path === "/v3/conversations" && req.method === "POST") {
      const parameters = JSON.parse(raw || "{}") as { members?: { id: string; name?: string }[] };
      const id = `a:personal-${this.conversations.size + 1}`;
      this.conversations.set(id, parameters.members ?? []);
      return [201, { id }];
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    if (match === null) return [404, { error: { code: "NotFound", message: path } }];
    const conversationId = decodeURIComponent(match[1] as string);
    const activityId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
    const activity = JSON.parse(raw || "{}") as Record<string, unknown>;
    // A card Teams would not render is refused, as the Bot Connector answers a bad payload.
    const cards = (activity.attachments as { contentType?: string; content?: unknown }[] | undefined) ?? [];
    for (const attachment of cards) {
      const problem =
        attachment.contentType === "application/vnd.microsoft.card.adaptive"
          ? cardProblem(attachment.content)
          : undefined;
      if (problem !== undefined) return [400, { error: { code: "BadArgument", message: `invalid card: ${problem}` } }];
    }
    // Stream fields come in a streaminfo entity and in channelData (botbuilder keeps only the latter whole).
    const entity = (activity.entities as Record<string, unknown>[] | undefined)?.find((e) => e.type === "streaminfo");
    const channelData = activity.channelData as Record<string, unknown> | undefined;
    const stream = entity === undefined ? undefined : { ...entity, ...channelData };
    if (stream !== undefined && req.method === "POST") return this.streamed(conversationId, activity, stream);
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

  /**
   * Teams' streaming protocol, as its docs give it: personal chats only; informative updates are typing
   * activities whose sequence only grows; the final message (streamType "final") ends the stream, takes
   * its id, and nothing streams into it after.
   */
  private streamed(
    conversationId: string,
    activity: Record<string, unknown>,
    info: Record<string, unknown>,
  ): [number, unknown] {
    const refuse = (message: string): [number, unknown] => [
      403,
      { error: { code: "ContentStreamNotAllowed", message } },
    ];
    if (!this.streaming) return refuse("streaming is not enabled for this bot");
    if (!conversationId.startsWith("a:"))
      return [400, { error: { code: "BadArgument", message: "streaming is for personal chats" } }];
    const id = info.streamId === undefined ? undefined : String(info.streamId);
    if (info.streamType === "final") {
      const open = id === undefined ? undefined : this.streams.get(id);
      if (open === undefined || open.final || activity.type !== "message") return refuse("no open stream to end");
      open.final = true;
      this.activities.set(id as string, { id: id as string, conversationId, activity, updates: 0 });
      return [201, { id }];
    }
    if (activity.type !== "typing" || info.streamType !== "informative")
      return [400, { error: { code: "BadArgument", message: "informative updates are typing activities" } }];
    const sequence = Number(info.streamSequence);
    if (id === undefined) {
      if (sequence !== 1) return [400, { error: { code: "BadArgument", message: "a stream starts at sequence 1" } }];
      const started = String(++this.seq);
      this.streams.set(started, { conversationId, sequence, updates: [String(activity.text ?? "")], final: false });
      return [201, { id: started }];
    }
    const open = this.streams.get(id);
    if (open === undefined || open.final) return refuse("the stream has ended");
    if (!(sequence > open.sequence))
      return [400, { error: { code: "BadArgument", message: "streamSequence must grow" } }];
    open.sequence = sequence;
    open.updates.push(String(activity.text ?? ""));
    return [202, { id }];
  }
}
