import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { declarationsFor } from "../discovery/declarations.ts";
import { LOAD_FUNCTIONS, SEARCH_FUNCTIONS } from "../discovery/meta-tools.ts";
import type { AgentDeps } from "./deps.ts";
import { META_TOOL_NAMES } from "./meta-tool-names.ts";
import type { SessionState } from "./session.ts";

const SEARCH = SEARCH_FUNCTIONS.name;
const LOAD = LOAD_FUNCTIONS.name;
const { writeTodos: TODOS, executeCode: PROBE, askUser: ASK, proposeSkill: PROPOSE } = META_TOOL_NAMES;

export const SYSTEM_PROMPT = `You are codemem, an engineer who turns a request in a chat thread into a reusable, tested code skill.
Work like a scientist: hypothesize, search, probe, plan, code.
1. Discover: you see only the app list. Find tools with ${SEARCH} (one request per capability; refine with other words when the first results miss), then ${LOAD} the few you need.
2. Plan: keep a linear todo list with ${TODOS}; it is pinned at the top of every call. Update statuses as you go.
3. Probe: before writing the skill, call each read-only tool in ${PROBE} with a tiny sample ($top 5 or less) and print the raw result. Its shape is locked; code against the locked shape, never a guess (Graph wraps lists in {"value": [...]}).
4. Ask: when something is ambiguous, ${ASK} with buttons. When the work spans more than 20 items, ask whether to add a dedup memory (purpose "dedup_memory") so re-runs skip done items.
5. Propose: ${PROPOSE} with a TypeScript module:
   export async function items(params, ctx) { return [{ key: "...", ... }] }   // optional: enumerate work items
   export async function run(item, params, ctx) { ... }                        // one item; ctx.tools.app__tool(args), ctx.memory.has/add(key), ctx.log(...)
   Write idempotent code: handle "already exists" (409 nameAlreadyExists) instead of failing. Items run concurrently on workers.
Destructive tools cannot run in probes; they run in the skill after a person approves it.`;

/** The messages of one model call: system prompt, the pinned state, then the (compacted) conversation. */
export function buildPrompt(deps: AgentDeps, session: SessionState): ChatCompletionMessageParam[] {
  const todos =
    session.todos.length === 0
      ? `(no plan yet: write one with ${TODOS})`
      : session.todos
          .map(
            (todo) =>
              `${todo.status === "completed" ? "[x]" : todo.status === "in_progress" ? "[~]" : "[ ]"} ${todo.content}`,
          )
          .join("\n");
  const loadedEntries = session.loaded.map((id) => deps.catalog.get(id)).filter((entry) => entry !== undefined);
  const pinned = [
    `TODOS\n${todos}`,
    `APPS\n${deps.discovery.appList()}`,
    loadedEntries.length === 0
      ? "LOADED TOOLS\n(none yet)"
      : `LOADED TOOLS\n${declarationsFor(loadedEntries, new Map(Object.entries(session.locks)))}`,
  ].join("\n\n");
  return [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "system", content: pinned },
    ...compact(session.messages, deps.limits.contextChars),
  ];
}

/** Old tool outputs give way first when the conversation grows past the budget; the newest stay. */
function compact(messages: ChatCompletionMessageParam[], budget: number): ChatCompletionMessageParam[] {
  let size = messages.reduce((sum, message) => sum + JSON.stringify(message).length, 0);
  if (size <= budget) return messages;
  const out = messages.map((message) => ({ ...message })) as ChatCompletionMessageParam[];
  const toolIndexes = out.map((message, index) => (message.role === "tool" ? index : -1)).filter((index) => index >= 0);
  for (const index of toolIndexes.slice(0, -3)) {
    const message = out[index] as { content: unknown };
    const length = JSON.stringify(message.content).length;
    if (length < 200) continue;
    message.content = `[older output compacted: ${length} characters]`;
    size -= length;
    if (size <= budget) break;
  }
  return out;
}
