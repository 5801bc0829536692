import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { GraphError, graphErrorResult } from "./graph.ts";
import { recordEvent, seededRandom, type DemoKnobs } from "./knobs.ts";

/**
 * What every demo tool call passes through: counting, optional crash, hang, latency, rate limit and
 * fault injection, then the handler. Graph errors thrown by handlers become isError results.
 */
export class DemoGate {
  private calls = 0;
  private readonly random: () => number;
  private tokens: number;
  private lastRefill = Date.now();

  constructor(
    private readonly server: string,
    private readonly knobs: DemoKnobs,
  ) {
    this.random = seededRandom(knobs.seed ^ hash(server));
    this.tokens = knobs.rateLimitPerSecond;
  }

  async handle(tool: string, handler: () => CallToolResult | Promise<CallToolResult>): Promise<CallToolResult> {
    this.calls++;
    recordEvent(this.knobs.stateDir, { server: this.server, kind: "call", tool });
    if (this.knobs.crashAfterCalls > 0 && this.calls >= this.knobs.crashAfterCalls) {
      process.stderr.write(`${this.server}: crashing on purpose after ${this.calls} calls (DEMO_CRASH_AFTER)\n`);
      process.exit(70);
    }
    if (this.knobs.hangTools.has(tool)) return new Promise<CallToolResult>(() => {});
    const limited = this.takeToken();
    if (limited !== undefined) {
      recordEvent(this.knobs.stateDir, { server: this.server, kind: "rate_limited", tool });
      return graphErrorResult(
        new GraphError(429, "TooManyRequests", "Too many requests. Retry after the given time.", limited),
      );
    }
    if (this.knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.knobs.latencyMs));
    if (this.knobs.faultRate > 0 && this.random() < this.knobs.faultRate) {
      recordEvent(this.knobs.stateDir, { server: this.server, kind: "fault", tool });
      return graphErrorResult(
        new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable (injected fault)."),
      );
    }
    try {
      return await handler();
    } catch (error) {
      if (error instanceof GraphError) return graphErrorResult(error);
      throw error;
    }
  }

  /** Token bucket; returns seconds to wait when empty. */
  private takeToken(): number | undefined {
    const rate = this.knobs.rateLimitPerSecond;
    if (rate <= 0) return undefined;
    const now = Date.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.round(((1 - this.tokens) / rate) * 1000) / 1000;
  }
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
