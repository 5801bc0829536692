import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentTurn } from "../../src/agent/agent.ts";
import type { AgentDeps } from "../../src/agent/deps.ts";
import { newSession, SessionStore, type SessionState } from "../../src/agent/session.ts";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import { archiveReplayScript, REPLAY_TASK } from "../../src/demo/replay-script.ts";
import { agentHarness, type AgentHarness, testUser } from "../helpers/agent.ts";
import type { RecordingSurface } from "../helpers/recording-surface.ts";

describe("the paper's running example, turn by turn", () => {
  let harness: AgentHarness;
  let deps: AgentDeps;
  let surface: RecordingSurface;
  const prefix = `test${process.pid}x${Date.now()}`;

  beforeAll(async () => {
    harness = await agentHarness(archiveReplayScript(), { mailboxSize: 200 });
    ({ deps, surface } = harness);
  });
  afterAll(async () => {
    await harness.close();
  });

  it("should search, refine, load, probe, ask about memory, propose and store the approved skill", async () => {
    const store = new SessionStore(harness.redis, prefix);
    const session = newSession("s1", { platform: "test", channel: "c", thread: "t1" }, testUser("ana"));
    const turn = (s: SessionState) => new AgentTurn(deps, s, () => store.save(s));
    await turn(session).run({ kind: "mention", text: REPLAY_TASK, user: testUser("ana") });

    expect(session.status).toBe("waiting");
    expect(session.loaded).toContain("outlook__list_messages");
    expect(session.locks.outlook__list_messages).toMatchObject({
      properties: { "@odata.context": { type: "string" }, value: { type: "array" } },
    });
    const question = surface.lastBlock("question");
    expect(question?.prompt).toMatch(/memory/);
    const text = surface.text();
    expect(text).toContain("I'm broadening the search terms");
    expect(text).toContain("Sample of outlook__list_messages");
    expect(text).toContain('"@odata.context"');
    expect(surface.all().every((message) => message.demo === true)).toBe(true);
    // The probe wrote nothing.
    const afterProbe = readDemoCounters(harness.stateDir);
    expect(afterProbe.filesWritten + afterProbe.foldersCreated).toBe(0);

    // A restart: the session comes back from Redis.
    const restored = (await store.load("s1")) as SessionState;
    expect(restored.pending?.kind).toBe("question");
    const button = question?.buttons[0];
    await turn(restored).run({
      kind: "click",
      pendingId: button?.value.pendingId ?? "",
      choice: button?.value.choice ?? "",
      user: testUser("ana"),
    });
    expect(restored.status).toBe("waiting");
    const proposal = surface.lastBlock("proposal");
    expect(proposal).toMatchObject({ name: "archive-attachments" });
    expect(proposal?.preview).toMatch(/write\(s\) intercepted, nothing changed/);
    expect(proposal?.tools).toContainEqual({ id: "onedrive__upload_file", access: "destructive" });
    const dry = readDemoCounters(harness.stateDir);
    expect(dry.filesWritten + dry.foldersCreated).toBe(0);

    const approve = proposal?.buttons.find((b) => b.value.choice === "approve");
    await turn(restored).run({
      kind: "click",
      pendingId: approve?.value.pendingId ?? "",
      choice: "approve",
      user: testUser("ana"),
    });
    expect(restored.status).toBe("done");
    const skill = await deps.skills.latest("archive-attachments");
    expect(skill).toMatchObject({ version: 1, approver: "test:ana", author: "test:ana", memory: true });
    expect(surface.text()).toContain("Saved skill archive-attachments v1, approved by @ana.");
    expect(restored.usage.modelCalls).toBe(7);
  });
});
