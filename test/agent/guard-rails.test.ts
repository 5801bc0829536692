import { afterEach, describe, expect, it } from "vitest";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import type { ScriptStep } from "../../src/model/local-openai-server.ts";
import { agentHarness, toolResults, type AgentHarness, testUser } from "../helpers/agent.ts";

const load = (ids: string[]): ScriptStep => ({ toolCalls: [{ name: "load_functions", arguments: { ids } }] });
const SKILL = `export async function run(item: unknown, params: { name: string }, ctx: any) {
  const page = await ctx.tools.outlook__list_messages({ $top: 1 });
  await ctx.tools.onedrive__create_folder({ parent_path: "/", name: params.name });
  return page.value.length;
}`;
const SMALL_SKILL = `export async function run(item: unknown, params: { name: string }, ctx: any) {
  const root = await ctx.tools.onedrive__list_children({ path: "/" });
  if (!root.value.some((child: any) => child.name === params.name)) await ctx.tools.onedrive__create_folder({ parent_path: "/", name: params.name });
}`;
const propose = (name = "make-folder", code = SKILL): ScriptStep => ({
  toolCalls: [
    {
      name: "propose_skill",
      arguments: {
        name,
        description: "Makes a folder named after the params.",
        params: { type: "object", properties: { name: { type: "string" } } },
        sample_params: { name: "X" },
        code,
      },
    },
  ],
});
const probe = (code: string): ScriptStep => ({ toolCalls: [{ name: "execute_code", arguments: { code } }] });
const done: ScriptStep = { content: "done" };

describe("agent guard rails", () => {
  let harness: AgentHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("should refuse a proposal whose read-only tools were never probed", async () => {
    harness = await agentHarness({
      steps: [load(["outlook__list_messages", "onedrive__create_folder"]), propose(), done],
    });
    await harness.turn({ kind: "mention", text: "make a folder", user: testUser("ana") });
    expect(toolResults(harness.session).at(-1)).toMatch(/PROPOSAL_REFUSED: .*outlook__list_messages was never probed/);
    expect(harness.surface.lastBlock("proposal")).toBeUndefined();
  });

  it("should refuse a proposal that calls a tool it never loaded", async () => {
    harness = await agentHarness({
      steps: [
        load(["outlook__list_messages"]),
        probe("console.log(await tools.outlook__list_messages({ $top: 1 }))"),
        propose(),
        done,
      ],
    });
    await harness.turn({ kind: "mention", text: "make a folder", user: testUser("ana") });
    expect(toolResults(harness.session).at(-1)).toMatch(/onedrive__create_folder is not loaded/);
  });

  it("should refuse a write inside a probe and make no change", async () => {
    harness = await agentHarness({
      steps: [
        load(["onedrive__create_folder"]),
        probe("await tools.onedrive__create_folder({ parent_path: '/', name: 'Nope' })"),
        done,
      ],
    });
    await harness.turn({ kind: "mention", text: "make a folder", user: testUser("ana") });
    expect(toolResults(harness.session).at(-1)).toMatch(/PROBE_WRITE_REFUSED: onedrive__create_folder changes data/);
    const counters = readDemoCounters(harness.stateDir);
    expect(counters.foldersCreated).toBe(0);
    expect(counters.calls.onedrive__create_folder).toBeUndefined();
  });

  it("should report unknown ids to the model instead of loading them", async () => {
    harness = await agentHarness({ steps: [load(["outlook__list_mesages", "outlook__list_messages"]), done] });
    await harness.turn({ kind: "mention", text: "list mail", user: testUser("ana") });
    const lines = (toolResults(harness.session)[0] as string).split("\n");
    expect(lines[0]).toBe("loaded outlook__list_messages: declared under LOADED TOOLS");
    expect(lines[1]).toMatch(/^unknown id outlook__list_mesages \(did you mean outlook__list_messages[,?]/);
    expect(harness.session.loaded).toEqual(["outlook__list_messages"]);
  });

  it("should name an already loaded tool in a later search by its id alone", async () => {
    const search = {
      toolCalls: [
        { name: "search_functions", arguments: { requests: [{ query: "list messages", app_id: "outlook" }] } },
      ],
    };
    harness = await agentHarness({ steps: [search, load(["outlook__list_messages"]), search, done] });
    await harness.turn({ kind: "mention", text: "list mail", user: testUser("ana") });
    const [before, , after] = toolResults(harness.session) as string[];
    expect(before).toMatch(/^- outlook__list_messages \(read-only\): List messages/m);
    expect(after).toMatch(/^- outlook__list_messages \(loaded\)$/m);
    expect(after).not.toContain("List messages in");
  });

  it("should ask about a dedup memory before proposing a skill over many items", async () => {
    harness = await agentHarness({
      steps: [
        load(["outlook__list_messages", "onedrive__create_folder"]),
        probe("const page = await tools.outlook__list_messages({ $top: 30 }); console.log(page.value.length)"),
        propose(),
        done,
      ],
    });
    await harness.turn({ kind: "mention", text: "make a folder", user: testUser("ana") });
    expect(toolResults(harness.session).at(-1)).toMatch(
      /saw more than 20 items, so ask the user first whether to add a dedup memory/,
    );
  });

  it("should answer a stale click and a stranger's click without changing anything, but take an approver's", async () => {
    harness = await agentHarness(
      {
        steps: [
          {
            toolCalls: [
              { name: "ask_user", arguments: { question: "Which folder root?", options: ["Archive", "Mail"] } },
            ],
          },
          done,
        ],
      },
      { approvers: ["test:boss"] },
    );
    await harness.turn({ kind: "mention", text: "archive", user: testUser("ana") });
    const question = harness.surface.lastBlock("question");
    const pendingId = question?.buttons[0]?.value.pendingId ?? "";
    await harness.turn({ kind: "click", pendingId: "old-id", choice: "Archive", user: testUser("ana") });
    await harness.turn({ kind: "click", pendingId, choice: "Archive", user: testUser("mallory") });
    expect(harness.session.pending?.id).toBe(pendingId);
    expect(harness.surface.text()).toContain("That was already answered; nothing changed.");
    expect(harness.surface.text()).toContain("Only @ana or an approver (@boss) can answer this.");
    // Both notices are for the clicker alone, not the thread.
    expect(harness.surface.privateTo("ana")).toEqual(["[demo replay] That was already answered; nothing changed."]);
    expect(harness.surface.privateTo("mallory")).toEqual([
      "[demo replay] Only @ana or an approver (@boss) can answer this.",
    ]);
    await harness.turn({ kind: "click", pendingId, choice: "Mail", user: testUser("boss") });
    expect(harness.session.pending).toBeUndefined();
    expect(toolResults(harness.session)).toContain('boss chose: "Mail"');
    await harness.turn({ kind: "click", pendingId, choice: "Mail", user: testUser("boss") });
    expect(harness.surface.text().match(/already answered/g)).toHaveLength(2);
  });

  it("should retry a model 429 and carry on", async () => {
    harness = await agentHarness({ steps: [{ failFirst: 429, content: "hello after a rate limit" }] });
    await harness.turn({ kind: "mention", text: "hi", user: testUser("ana") });
    expect(harness.model.chatRequests()).toBe(2);
    expect(harness.surface.text()).toContain("hello after a rate limit");
    expect(harness.session.usage.modelCalls).toBe(1);
  });

  it("should stop a looping model at the step budget with a clear message and keep the session", async () => {
    harness = await agentHarness(
      {
        steps: [{ toolCalls: [{ name: "search_functions", arguments: { requests: [{ query: "list messages" }] } }] }],
        repeatLast: true,
      },
      { limits: { stepsPerTurn: 4 } },
    );
    await harness.turn({ kind: "mention", text: "loop please", user: testUser("ana") });
    expect(harness.session.usage.modelCalls).toBe(4);
    expect(harness.session.status).toBe("idle");
    expect(harness.surface.text()).toContain(
      "I stopped after 4 steps in this turn without finishing. The session is kept",
    );
    expect(harness.session.messages.length).toBe(1 + 4 * 2);
  });

  it("should ask why on Reject and give the reason back to the model to revise", async () => {
    harness = await agentHarness({
      steps: [
        load(["onedrive__list_children", "onedrive__create_folder"]),
        probe("console.log(await tools.onedrive__list_children({ path: '/' }))"),
        propose("make-folder", SMALL_SKILL),
        propose("make-folder-2", SMALL_SKILL),
      ],
    });
    await harness.turn({ kind: "mention", text: "make a folder", user: testUser("ana") });
    const card = harness.surface.lastBlock("proposal");
    expect(card?.preview).toMatch(/1 write\(s\) intercepted/);
    const reject = card?.buttons.find((button) => button.value.choice === "reject");
    await harness.turn({
      kind: "click",
      pendingId: reject?.value.pendingId ?? "",
      choice: "reject",
      user: testUser("ana"),
    });
    expect(harness.surface.text()).toContain("What should change? Reply in this thread");
    await harness.turn({ kind: "reply", text: "call it make-folder-2", user: testUser("ana") });
    expect(toolResults(harness.session)).toContain(
      'Rejected by ana. Reason: "call it make-folder-2". Revise the skill and propose it again.',
    );
    expect(harness.surface.lastBlock("proposal")?.name).toBe("make-folder-2");
    expect(readDemoCounters(harness.stateDir).foldersCreated).toBe(0);
  });
});
