import { afterEach, describe, expect, it } from "vitest";
import { META_TOOLS, metaToolDefinitions, unknownToolAnswer } from "../../src/agent/meta-tools.ts";
import { SYSTEM_PROMPT } from "../../src/agent/prompt.ts";
import { agentHarness, type AgentHarness, testUser, toolResults } from "../helpers/agent.ts";

const NAMES = ["search_functions", "load_functions", "write_todos", "execute_code", "ask_user", "propose_skill"];

describe("the agent's meta-tools", () => {
  let harness: AgentHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("should give the model one definition per tool of the registry, in the method's order", () => {
    const definitions = metaToolDefinitions();
    expect(definitions.map((tool) => tool.type === "function" && tool.function.name)).toEqual(NAMES);
    expect(META_TOOLS.map((tool) => tool.name)).toEqual(NAMES);
    for (const definition of definitions) {
      if (definition.type !== "function") throw new Error("a meta-tool is a function");
      expect(definition.function.description?.length).toBeGreaterThan(20);
      expect(definition.function.parameters).toMatchObject({ type: "object" });
    }
    // The prompt speaks of each by the name it has.
    for (const name of NAMES) expect(SYSTEM_PROMPT).toContain(name);
  });

  it("should answer a tool the model made up with the list of the ones it has, and go on", async () => {
    harness = await agentHarness({
      steps: [{ toolCalls: [{ name: "launch_rockets", arguments: {} }] }, { content: "I have no such tool." }],
    });
    await harness.turn({ kind: "mention", text: "launch", user: testUser("ana") });
    expect(toolResults(harness.session)).toEqual([unknownToolAnswer("launch_rockets")]);
    expect(unknownToolAnswer("launch_rockets")).toBe(
      "error: UNKNOWN_TOOL: there is no meta-tool launch_rockets; use search_functions, load_functions, write_todos, execute_code, ask_user or propose_skill",
    );
    expect(harness.session.status).toBe("idle");
  });

  it("should show each tool's status line while it runs, and clear it at the end of the turn", async () => {
    harness = await agentHarness({
      steps: [
        { toolCalls: [{ name: "search_functions", arguments: { requests: [{ query: "list messages" }] } }] },
        { toolCalls: [{ name: "load_functions", arguments: { ids: ["outlook__list_messages"] } }] },
        { toolCalls: [{ name: "write_todos", arguments: { todos: [{ content: "probe", status: "pending" }] } }] },
        { content: "done" },
      ],
    });
    await harness.turn({ kind: "mention", text: "plan", user: testUser("ana") });
    expect(harness.surface.statuses).toEqual([
      "is thinking…",
      "is searching the tool registry…",
      "is thinking…",
      "is loading tools…",
      "is thinking…",
      "is thinking…",
      "",
    ]);
  });

  it("should refuse a meta-tool's bad arguments in one line naming the tool and the field", async () => {
    harness = await agentHarness({
      steps: [
        { toolCalls: [{ name: "ask_user", arguments: { question: "Which?", options: ["only one"] } }] },
        { toolCalls: [{ name: "write_todos", arguments: "tidy up" }] },
        { content: "done" },
      ],
    });
    await harness.turn({ kind: "mention", text: "ask", user: testUser("ana") });
    const [ask, todos] = toolResults(harness.session);
    expect(ask).toMatch(/^error: META_TOOL_BAD_ARGS: ask_user: options = \["only one"\]: /);
    expect(todos).toMatch(/^error: META_TOOL_BAD_ARGS: write_todos: \(root\) = "tidy up": .*expected object/);
  });
});
