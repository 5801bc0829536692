import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { createSkillServer, type SkillServerDeps } from "./server.ts";

/** The part of ioredis a follower of skill changes uses (a connection of its own: it subscribes). */
export interface ChangeSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: "message", listener: (channel: string, message: string) => void): unknown;
  disconnect(): void;
}

/**
 * The live MCP servers of this process (one per HTTP session, one for stdio): each is told
 * `notifications/tools/list_changed` when any process saves or rolls back a skill (SkillStore
 * publishes it), so clients list the tools again.
 */
export class SkillServers {
  private readonly live = new Set<Server>();

  constructor(
    private readonly deps: SkillServerDeps,
    private readonly subscriber: ChangeSubscriber,
  ) {}

  /** Follows the skills' changes; call once before serving. */
  async start(): Promise<void> {
    const channel = this.deps.skills.changesChannel;
    await this.subscriber.subscribe(channel);
    this.subscriber.on("message", (from) => {
      if (from !== channel) return;
      for (const server of this.live)
        void server
          .sendToolListChanged()
          .catch((error: unknown) =>
            this.deps.log.debug({ err: (error as Error).message }, "a client missed tools/list_changed"),
          );
    });
  }

  /** A new server for one client; it leaves the live set when its transport closes. */
  open(): Server {
    const server = createSkillServer(this.deps);
    this.live.add(server);
    server.onclose = () => this.live.delete(server);
    return server;
  }

  get size(): number {
    return this.live.size;
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    await Promise.all([...this.live].map((server) => server.close().catch(() => {})));
    this.live.clear();
  }
}
