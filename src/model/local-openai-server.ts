import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import { readBody } from "../http/read-body.ts";

/** One scripted assistant response. */
export interface ScriptStep {
  content?: string | undefined;
  toolCalls?: { name: string; arguments: unknown }[] | undefined;
  /** The first request for this step fails with this HTTP status (429 → retry-after 0 s). */
  failFirst?: number | undefined;
  /** The answer comes after this long (a slow model). Default: 0. */
  delayMs?: number | undefined;
  /** Replaces this step when the last tool result contains the text (e.g. the button a person clicked). */
  alternatives?: { whenLastToolResultIncludes: string; step: ScriptStep }[] | undefined;
}

export interface ModelScript {
  steps: ScriptStep[];
  /** Beyond the last step, repeat it (a model that loops). Default: false (answer with a closing text). */
  repeatLast?: boolean | undefined;
  /** system_fingerprint of every response. Default: "codemem-replay". */
  fingerprint?: string | undefined;
}

export interface LocalOpenAiServerOptions {
  /** Default: 0 (a free port). */
  port?: number | undefined;
  /** Dimensions of the hashed embeddings. Default: 256. */
  dimensions?: number | undefined;
  /** Chat completions replay this script; the step is the number of assistant messages sent. */
  script?: ModelScript | undefined;
}

export interface RunningLocalOpenAi {
  /** Base URL for the openai client, e.g. http://127.0.0.1:PORT/v1. */
  baseUrl: string;
  /** Inputs embedded so far (tests check caching with it). */
  embeddedInputs(): number;
  /** Chat completion requests answered (failures included). */
  chatRequests(): number;
  close(): Promise<void>;
}

/**
 * A local OpenAI-compatible server for tests and offline demos, reached through the real `openai`
 * client. `/v1/chat/completions` replays a script (the demo replay, test scenarios); `/v1/embeddings` answers with deterministic feature-hashed bag-of-words vectors: texts that
 * share words are similar, which is enough to exercise dense retrieval end to end.
 */
export async function startLocalOpenAiServer(options: LocalOpenAiServerOptions = {}): Promise<RunningLocalOpenAi> {
  const dimensions = options.dimensions ?? 256;
  let embedded = 0;
  let chats = 0;
  const failed = new Set<string>();
  const encoder = new Tiktoken(o200k);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://x");
      if (req.method === "POST" && url.pathname === "/v1/chat/completions") {
        chats++;
        const body = JSON.parse(await readBody(req)) as {
          model?: string;
          messages?: { role: string; content?: unknown }[];
        };
        const script = options.script;
        if (script === undefined)
          return send(res, 404, {
            error: { message: "this server has no chat script", type: "invalid_request_error" },
          });
        const messages = body.messages ?? [];
        const index = messages.filter((message) => message.role === "assistant").length;
        const conversation = String(messages.find((message) => message.role === "user")?.content ?? "");
        const scripted =
          script.steps[index] ??
          (script.repeatLast ? script.steps.at(-1) : { content: "(the replay script has ended)" });
        const lastTool = String([...messages].reverse().find((message) => message.role === "tool")?.content ?? "");
        const step =
          scripted?.alternatives?.find((alternative) => lastTool.includes(alternative.whenLastToolResultIncludes))
            ?.step ?? scripted;
        if (step?.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
        const key = `${conversation}\u0000${index}`;
        if (step?.failFirst !== undefined && !failed.has(key)) {
          failed.add(key);
          res.writeHead(step.failFirst, { "content-type": "application/json", "retry-after": "0" });
          res.end(
            JSON.stringify({
              error: {
                message: `scripted ${step.failFirst}`,
                type: step.failFirst === 429 ? "rate_limit_exceeded" : "server_error",
              },
            }),
          );
          return;
        }
        const promptTokens = encoder.encode(JSON.stringify(messages)).length;
        const toolCalls = (step?.toolCalls ?? []).map((call, i) => ({
          id: `call_${index}_${i}`,
          type: "function",
          function: { name: call.name, arguments: JSON.stringify(call.arguments) },
        }));
        const content = step?.content ?? null;
        return send(res, 200, {
          id: `chatcmpl-replay-${index}`,
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: body.model ?? "replay",
          system_fingerprint: script.fingerprint ?? "codemem-replay",
          choices: [
            {
              index: 0,
              finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop",
              message: { role: "assistant", content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
            },
          ],
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: encoder.encode(JSON.stringify({ content, toolCalls })).length,
            total_tokens: promptTokens,
          },
        });
      }
      if (req.method === "POST" && url.pathname === "/v1/embeddings") {
        const body = JSON.parse(await readBody(req)) as { input?: unknown; model?: unknown };
        const inputs =
          typeof body.input === "string"
            ? [body.input]
            : Array.isArray(body.input)
              ? body.input.map(String)
              : undefined;
        if (inputs === undefined || typeof body.model !== "string")
          return send(res, 400, { error: { message: "model and input are required", type: "invalid_request_error" } });
        embedded += inputs.length;
        return send(res, 200, {
          object: "list",
          model: body.model,
          data: inputs.map((input, index) => ({
            object: "embedding",
            index,
            embedding: hashedVector(input, dimensions),
          })),
          usage: { prompt_tokens: inputs.join(" ").length, total_tokens: inputs.join(" ").length },
        });
      }
      return send(res, 404, {
        error: { message: `no route ${req.method} ${url.pathname}`, type: "invalid_request_error" },
      });
    } catch (error) {
      return send(res, 500, { error: { message: (error as Error).message, type: "server_error" } });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    embeddedInputs: () => embedded,
    chatRequests: () => chats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function hashedVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const term of text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 2)) {
    let h = 2166136261;
    for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 16777619);
    const index = (h >>> 0) % dimensions;
    vector[index] = (vector[index] ?? 0) + (h >>> 31 === 0 ? 1 : -1);
  }
  return vector;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
