import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { RunEndings } from "./run-endings.ts";
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
 * publishes it), so clients list the tools again; a call waiting on a run hears its end as published.
 */
export class SkillServers {
  private readonly live = new Set<Server>();
  private readonly deps: SkillServerDeps;
  private readonly endings = new RunEndings();

  constructor(
    deps: Omit<SkillServerDeps, "endings">,
    private readonly subscriber: ChangeSubscriber,
  ) {
    this.deps = { ...deps, endings: this.endings };
  }

  /** Follows the skills' changes and the runs' ends; call once before serving. */
  async start(): Promise<void> {
    const changes = this.deps.skills.changesChannel;
    const ended = this.deps.runtime.endedChannel;
    await this.subscriber.subscribe(changes);
    await this.subscriber.subscribe(ended);
    this.subscriber.on("message", (from, message) => {
      if (from === ended) return this.endings.ended(message);
      if (from !== changes) return;
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
