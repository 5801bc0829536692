import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveReplayScript, REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { Quotas } from "../../src/limits/quotas.ts";
import { agentHarness, type AgentHarness, testUser } from "../helpers/agent.ts";

describe("a turn and the requester's model tokens", () => {
  let harness: AgentHarness;
  beforeAll(async () => {
    harness = await agentHarness(archiveReplayScript(), { mailboxSize: 60 });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("should stop before the model call that the requester's day no longer covers, keeping the session", async () => {
    const quotas = new Quotas(harness.redis, `quota${Date.now().toString(36)}`, {
      sessionsPerHour: 0,
      modelTokensPerDay: 3000,
      runsPerHour: 0,
      concurrentRunsPerSkill: 0,
      workspaceModelTokensPerDay: 0,
    });
    harness.deps.quotas = quotas;
    await harness.turn({ kind: "mention", text: REPLAY_TASK, user: testUser("ana") });
    const { usage } = harness.session;
    // The replay's calls cost a few thousand tokens each: a call or two went, then the turn stopped.
    expect(usage.modelCalls).toBeGreaterThanOrEqual(1);
    expect(usage.modelCalls).toBeLessThan(4);
    expect(usage.promptTokens + usage.completionTokens).toBeGreaterThanOrEqual(3000);
    expect(harness.session.status).toBe("idle");
    // The notice is for the person whose words started the turn; the requester's quota paid for it.
    expect(harness.surface.privateTo("ana")).toEqual([
      expect.stringMatching(
        /^\[demo replay\] Your sessions used their 3,000 model tokens for the day; it frees in .+ The session is kept/,
      ),
    ]);
    expect((await quotas.mayCallModel("test:ana"))?.limit).toBe("model_tokens");
    expect(await quotas.mayCallModel("test:bob")).toBeUndefined();
  });
});
