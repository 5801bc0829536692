import OpenAI from "openai";
import type { Config } from "../config/schema.ts";

export interface OpenAiClientOptions {
  apiKey?: string | undefined;
  baseUrl?: string | undefined;
  /** Retries on 429 and 5xx, with the SDK's back-off. Default: 3. */
  maxRetries?: number | undefined;
  /** Default: 60,000 ms. */
  timeoutMs?: number | undefined;
}

/** The real `openai` client for any OpenAI-compatible server (OpenAI, Azure, Ollama, vLLM, our local one). */
export function createOpenAiClient(options: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    // Local servers need no key, but the SDK wants one.
    apiKey: options.apiKey ?? "not-needed",
    ...(options.baseUrl !== undefined ? { baseURL: options.baseUrl } : {}),
    maxRetries: options.maxRetries ?? 3,
    timeout: options.timeoutMs ?? 60_000,
  });
}

export function openAiClientFromConfig(config: Config): OpenAI | undefined {
  if (config.model.apiKey === undefined && config.model.baseUrl === undefined) return undefined;
  return createOpenAiClient({ apiKey: config.model.apiKey, baseUrl: config.model.baseUrl });
}
