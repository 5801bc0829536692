import type { JsonSchema } from "../json-schema.ts";

/** One searchable thing: a tool of a connected server, or (later) a saved skill. */
export interface CatalogEntry {
  /** `app__tool`. */
  id: string;
  app: string;
  name: string;
  title?: string | undefined;
  description: string;
  /** Parameter names and descriptions, searchable. */
  params: { name: string; description?: string | undefined }[];
  kind: "tool" | "skill";
  readOnly: boolean;
  destructive: boolean;
  inputSchema: JsonSchema;
  outputSchema?: JsonSchema | undefined;
}

export interface AppInfo {
  id: string;
  /** One line shown to the model in the app list. */
  summary: string;
  tools: number;
}

export interface SearchHit {
  id: string;
  app: string;
  score: number;
  /** 0..1: how much of the query this entry matched (what the relevance threshold reads). */
  confidence: number;
}
