import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LocalOpenAiServerOptions {
  /** Default: 0 (a free port). */
  port?: number | undefined;
  /** Dimensions of the hashed embeddings. Default: 256. */
  dimensions?: number | undefined;
}

export interface RunningLocalOpenAi {
  /** Base URL for the openai client, e.g. http://127.0.0.1:PORT/v1. */
  baseUrl: string;
  /** Inputs embedded so far (tests check caching with it). */
  embeddedInputs(): number;
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible server for tests and offline demos, reached through the real `openai`
 * client. `/v1/embeddings` answers with deterministic feature-hashed bag-of-words vectors: texts that
 * share words are similar, which is enough to exercise dense retrieval end to end.
 */
export async function startLocalOpenAiServer(options: LocalOpenAiServerOptions = {}): Promise<RunningLocalOpenAi> {
  const dimensions = options.dimensions ?? 256;
  let embedded = 0;
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method === "POST" && url.pathname === "/v1/embeddings") {
        const body = JSON.parse(await readBody(req)) as { input?: unknown; model?: unknown };
        const inputs = typeof body.input === "string" ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : undefined;
        if (inputs === undefined || typeof body.model !== "string") return send(res, 400, { error: { message: "model and input are required", type: "invalid_request_error" } });
        embedded += inputs.length;
        return send(res, 200, {
          object: "list",
          model: body.model,
          data: inputs.map((input, index) => ({ object: "embedding", index, embedding: hashedVector(input, dimensions) })),
          usage: { prompt_tokens: inputs.join(" ").length, total_tokens: inputs.join(" ").length },
        });
      }
      return send(res, 404, { error: { message: `no route ${req.method} ${url.pathname}`, type: "invalid_request_error" } });
    } catch (error) {
      return send(res, 500, { error: { message: (error as Error).message, type: "server_error" } });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    embeddedInputs: () => embedded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function hashedVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const term of text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length > 2)) {
    let h = 2166136261;
    for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 16777619);
    const index = (h >>> 0) % dimensions;
    vector[index] = (vector[index] ?? 0) + ((h >>> 31) === 0 ? 1 : -1);
  }
  return vector;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
