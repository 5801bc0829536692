import type { z } from "zod";
import type { MetaToolSpec } from "../discovery/meta-tools.ts";
import { parseArgs } from "../zod-issue.ts";
import type { AgentDeps } from "./deps.ts";
import type { PendingInput, SessionState } from "./session.ts";
import type { ThreadVoice } from "./voice.ts";

/** Each kind of wait without its tool call (a conditional type over a union goes through each member). */
type WithoutToolCall<P> = P extends unknown ? Omit<P, "toolCallId"> : never;

/** A wait for a person, as a meta-tool asks for it: the turn adds the tool call it answers. */
export type Suspension = WithoutToolCall<PendingInput>;

/** What a meta-tool did: its answer to the model, or a wait for a person. */
export type ToolOutcome = { content: string } | { suspend: Suspension };

/** What a meta-tool may use in its turn: the turn's dependencies, the session it changes, its voice. */
export interface TurnContext {
  deps: AgentDeps;
  session: SessionState;
  voice: ThreadVoice;
}

/**
 * One of the model's tools (src/agent/meta-tools.ts lists them): what the model is told of it, the
 * thread's status line while it runs, and what it does. `handle` gets the model's arguments as they
 * came (untrusted) and parses them with `schema`; a bad call throws a user error the model can read.
 */
export interface MetaTool extends MetaToolSpec {
  /** The thread's status line while it runs, where the platform shows one. */
  readonly status?: string | undefined;
  handle(raw: unknown, turn: TurnContext): Promise<ToolOutcome>;
}

/** A meta-tool whose `run` gets its arguments parsed (a bad call is one line naming the tool and the field). */
export function defineMetaTool<Args>(tool: {
  name: string;
  description: string;
  schema: z.ZodType<Args>;
  status?: string | undefined;
  run(args: Args, turn: TurnContext): Promise<ToolOutcome>;
}): MetaTool {
  const { run, ...spec } = tool;
  return { ...spec, handle: (raw, turn) => run(parseArgs(tool.schema, raw, tool.name), turn) };
}
