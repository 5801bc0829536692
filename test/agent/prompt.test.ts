import { describe, expect, it } from "vitest";
import { DEFAULT_AGENT_LIMITS, type AgentDeps } from "../../src/agent/deps.ts";
import { buildPrompt } from "../../src/agent/prompt.ts";
import type { SessionState } from "../../src/agent/session.ts";
import { Discovery } from "../../src/discovery/meta-tools.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { demoCatalog } from "../helpers/catalog.ts";

describe("buildPrompt", () => {
  const catalog = demoCatalog(["gmail"]);
  const deps = {
    catalog,
    discovery: new Discovery({ catalog, search: new ToolSearch({ catalog }) }),
    limits: { ...DEFAULT_AGENT_LIMITS, contextChars: 5000 },
  } as unknown as AgentDeps;
  const session = (messages: SessionState["messages"]): SessionState =>
    ({
      todos: [{ content: "Probe list_messages", status: "in_progress" }],
      loaded: ["gmail__send_message"],
      locks: {},
      messages,
    }) as unknown as SessionState;

  it("should pin the todos, the app list and the loaded declarations above the conversation", () => {
    const prompt = buildPrompt(deps, session([{ role: "user", content: "ana: hello" }]));
    expect(prompt[0]?.role).toBe("system");
    const pinned = String(prompt[1]?.content);
    expect(pinned.startsWith("TODOS\n[~] Probe list_messages")).toBe(true);
    expect(pinned).toContain("APPS\n");
    expect(pinned).toContain("function gmail__send_message(");
    expect(prompt.at(-1)).toEqual({ role: "user", content: "ana: hello" });
  });

  it("should compact old tool outputs past the budget, never the pinned todos or the newest outputs", () => {
    const messages: SessionState["messages"] = [{ role: "user", content: "ana: go" }];
    for (let i = 0; i < 8; i++) {
      messages.push({
        role: "assistant",
        content: null,
        tool_calls: [{ id: `c${i}`, type: "function", function: { name: "execute_code", arguments: "{}" } }],
      });
      messages.push({ role: "tool", tool_call_id: `c${i}`, content: `output ${i} ${"x".repeat(2000)}` });
    }
    const prompt = buildPrompt(deps, session(messages));
    const tools = prompt.filter((m) => m.role === "tool").map((m) => String(m.content));
    expect(tools[0]).toMatch(/^\[older output compacted: \d+ characters\]$/);
    expect(tools.slice(-3).every((content) => content.startsWith("output "))).toBe(true);
    expect(String(prompt[1]?.content)).toContain("[~] Probe list_messages");
    expect(messages[2]).toMatchObject({ content: expect.stringMatching(/^output 0/) });
  });
});
