import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startConsoleApp } from "../adapters/console/app.ts";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { startRedisServer } from "../src/redis/server.ts";
import { percentile, round } from "./stats.ts";

const ITEMS = 100;
const ROUNDS = 15;
const TOKEN = "bench-mcp-token-0123456789";

/**
 * An MCP client's `tools/call` of a 100-item skill against `/codemem run` of the same skill, on one app:
 * each item calls a real MCP tool (the demo drive over stdio). The MCP time runs from the call to its
 * result; the chat time from the console's POST of `/codemem run` to the moment the run's end is
 * published (what any chat surface learns first), and, shown too, to its summary reaching the page's
 * event stream (the console's posting pace included). Rounds alternate, so both see the same warm
 * workers. Goal: the MCP call within 10 % of the chat run's end.
 */
export async function benchMcpCall(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-mcp-"));
  const redis = await startRedisServer({ dir: join(home, "redis") });
  const config = loadConfig({
    env: {
      REDIS_URL: redis.url,
      CODEMEM_HOME: join(home, ".codemem"),
      CODEMEM_SEMANTIC: "off",
      CODEMEM_MCP_TOKEN: TOKEN,
      CODEMEM_MCP_CALLER: "console:agent",
      CODEMEM_LIMIT_RUNS_PER_HOUR: "0",
    },
    cwd: home,
  });
  const running = await startConsoleApp({ config, log: silentLogger, port: 0 });
  const client = new Client({ name: "bench", version: "1.0.0" });
  try {
    const { app, web } = running;
    await app.skills.save({
      name: "bench-drive",
      description: `${ITEMS} items, each listing the demo drive's root over MCP.`,
      params: { type: "object", properties: {} },
      code: `export async function items() { return Array.from({ length: ${ITEMS} }, (_, i) => ({ key: "k" + i })); }
export async function run(item, params, ctx) { await ctx.tools.onedrive__list_children({ path: "/" }); return item.key; }`,
      tools: [{ id: "onedrive__list_children", access: "read-only" }],
      memory: false,
      author: "console:bench",
      approver: "console:bench",
    });
    await client.connect(
      new StreamableHTTPClientTransport(new URL("mcp", web.url), {
        requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      }),
    );
    const events = await followEvents(web.url);
    const ends = app.redis.duplicate();
    const ended: ((at: number) => void)[] = [];
    await ends.subscribe(app.runtime.endedChannel);
    // Only the ends of the person's runs count here (the agent's calls end on the same channel).
    ends.on("message", (_channel, runId) => {
      const at = performance.now();
      void app.runtime.status(runId).then((run) => {
        if (run?.requester === "console:bench") ended.shift()?.(at);
      });
    });
    const viaMcp = async (): Promise<number> => {
      const started = performance.now();
      const result = await client.callTool({ name: "bench-drive", arguments: {} }, undefined, { timeout: 120_000 });
      const outcome = result.structuredContent as { status: string; done: number };
      if (outcome.status !== "completed" || outcome.done !== ITEMS)
        throw new Error(`mcp run: ${JSON.stringify(outcome)}`);
      return performance.now() - started;
    };
    const summaries: number[] = [];
    const viaChat = async (): Promise<number> => {
      const started = performance.now();
      const end = new Promise<number>((done) => ended.push((at) => done(at - started)));
      const reply = await fetch(`${web.url}api/send`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user: "bench", text: "/codemem run bench-drive" }),
      });
      const { thread } = (await reply.json()) as { thread: string };
      await events.until((entry) => entry.thread === thread && /finished in .* 100 done/.test(JSON.stringify(entry)));
      summaries.push(performance.now() - started);
      return end;
    };
    // One of each first, unmeasured: workers, realms and the drive's connection warm up.
    await viaMcp();
    await viaChat();
    const mcp: number[] = [];
    const chat: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        mcp.push(await viaMcp());
        chat.push(await viaChat());
      } else {
        chat.push(await viaChat());
        mcp.push(await viaMcp());
      }
    }
    events.close();
    ends.disconnect();
    summaries.splice(0, 1);
    const mcpP50 = percentile(mcp, 50);
    const chatP50 = percentile(chat, 50);
    process.stdout.write(
      `${JSON.stringify({
        bench: "mcp-call",
        items: ITEMS,
        rounds: ROUNDS,
        mcp_call_p50_ms: round(mcpP50, 1),
        mcp_call_max_ms: round(Math.max(...mcp), 1),
        codemem_run_end_p50_ms: round(chatP50, 1),
        codemem_run_end_max_ms: round(Math.max(...chat), 1),
        codemem_run_summary_p50_ms: round(percentile(summaries, 50), 1),
        ratio: round(mcpP50 / chatP50, 3),
        within_10_percent: mcpP50 <= chatP50 * 1.1,
      })}\n`,
    );
  } finally {
    await client.close().catch(() => {});
    await running.close();
    await redis.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

/** The console page's event stream, read as the page reads it: waits for an entry to arrive. */
async function followEvents(url: string): Promise<{
  until(match: (entry: { thread: string }) => boolean): Promise<void>;
  close(): void;
}> {
  const abort = new AbortController();
  const response = await fetch(`${url}api/events?user=bench`, { signal: abort.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const waiting = new Set<{ match: (entry: { thread: string }) => boolean; done: () => void }>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end !== -1) {
        const chunk = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!chunk.startsWith("data: ")) continue;
        const entry = (JSON.parse(chunk.slice(6)) as { entry: { thread: string } }).entry;
        for (const waiter of waiting)
          if (waiter.match(entry)) {
            waiting.delete(waiter);
            waiter.done();
          }
      }
    }
  })();
  return {
    until: (match) => new Promise<void>((done) => waiting.add({ match, done })),
    close: () => abort.abort(),
  };
}
