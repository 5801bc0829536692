import { randomUUID } from "node:crypto";
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { z } from "zod";
import { LOAD_FUNCTIONS, SEARCH_FUNCTIONS, toolDefinition } from "../discovery/meta-tools.ts";
import { loadResultText, searchResultText } from "../discovery/model-text.ts";
import { type Button, todoSchema, type UiMessage } from "../ui/message.ts";
import { defineMetaTool, type MetaTool } from "./meta-tool.ts";
import { META_TOOL_NAMES } from "./meta-tool-names.ts";
import { executeCode, executeCodeArgs } from "./probe.ts";
import { PROPOSE_SKILL } from "./propose-skill.ts";

export const writeTodosArgs = z
  .object({
    todos: z
      .array(todoSchema.extend({ content: z.string().min(1) }).strict())
      .min(1)
      .max(20),
  })
  .strict();

export const askUserArgs = z
  .object({
    question: z.string().min(5),
    options: z.array(z.string().min(1).max(60)).min(2).max(4),
    purpose: z.enum(["dedup_memory", "clarify"]).default("clarify"),
  })
  .strict();

const searchFunctions: MetaTool = {
  ...SEARCH_FUNCTIONS,
  status: "is searching the tool registry…",
  handle: async (raw, { deps, session }) => ({
    content: searchResultText(await deps.discovery.searchFunctions(raw), new Set(session.loaded)),
  }),
};

const loadFunctions: MetaTool = {
  ...LOAD_FUNCTIONS,
  status: "is loading tools…",
  handle: async (raw, { deps, session }) => {
    const result = deps.discovery.loadFunctions(raw, session.loaded, new Map(Object.entries(session.locks)));
    session.loaded.push(...result.loaded);
    return { content: loadResultText(result) };
  },
};

export const WRITE_TODOS = defineMetaTool({
  name: META_TOOL_NAMES.writeTodos,
  description: "Replace the todo list (the plan). Pinned at the top of every call and shown in the thread.",
  schema: writeTodosArgs,
  run: async ({ todos }, { session, voice }) => {
    session.todos = todos;
    const message: UiMessage = { blocks: [{ type: "todos", items: todos }] };
    if (session.todoMessage) await voice.update(session.todoMessage, message);
    else session.todoMessage = await voice.post(message);
    return {
      content: `todo list saved (${todos.filter((t) => t.status === "completed").length}/${todos.length} done)`,
    };
  },
});

export const EXECUTE_CODE = defineMetaTool({
  name: META_TOOL_NAMES.executeCode,
  description:
    "Probe: run TypeScript (top-level await) in the sandbox with the loaded read-only tools as tools.app__tool(args); print raw results.",
  schema: executeCodeArgs,
  status: "is probing the tools in the sandbox…",
  run: async ({ code }, { deps, session, voice }) => {
    const probe = await executeCode(deps, session, code);
    await voice.post({ blocks: probe.blocks });
    return { content: probe.content };
  },
});

export const ASK_USER = defineMetaTool({
  name: META_TOOL_NAMES.askUser,
  description: "Ask the requester a question with 2-4 buttons; the session waits for a click.",
  schema: askUserArgs,
  run: async (ask, { session, voice }) => {
    const id = randomUUID();
    const buttons: Button[] = ask.options.map((option, index) => ({
      label: option,
      value: { sessionId: session.id, pendingId: id, choice: option },
      style: index === 0 ? "primary" : undefined,
    }));
    const message: UiMessage = { blocks: [{ type: "question", prompt: ask.question, buttons }] };
    const messageRef = await voice.post(message);
    return {
      suspend: {
        id,
        kind: "question",
        choices: ask.options,
        messageRef,
        message: voice.label(message),
        purpose: ask.purpose,
      },
    };
  },
});

/** Every tool the model has, in the order it is shown them: the method's order (discover, plan, probe, ask, propose). */
export const META_TOOLS: readonly MetaTool[] = [
  searchFunctions,
  loadFunctions,
  WRITE_TODOS,
  EXECUTE_CODE,
  ASK_USER,
  PROPOSE_SKILL,
];

const BY_NAME = new Map(META_TOOLS.map((tool) => [tool.name, tool]));

/** The tool definitions the model gets with every call. */
export function metaToolDefinitions(): ChatCompletionTool[] {
  return META_TOOLS.map(toolDefinition);
}

export function metaTool(name: string): MetaTool | undefined {
  return BY_NAME.get(name);
}

/** What the model is told when it calls a tool it does not have. */
export function unknownToolAnswer(name: string): string {
  const names = META_TOOLS.map((tool) => tool.name);
  return `error: UNKNOWN_TOOL: there is no meta-tool ${name}; use ${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}
