import { describe, expect, it } from "vitest";
import { type Decision, Policy } from "../../src/core/policy.ts";
import type { GroupDirectory } from "../../src/ui/adapter.ts";
import { renderText } from "../../src/ui/render-text.ts";

const alice = { platform: "slack", id: "UALICE", name: "alice" };
const bob = { platform: "slack", id: "UBOB", name: "bob" };
const refusal = (decision: Decision) => (decision.allowed ? "allowed" : renderText({ blocks: [decision.refusal] }));

/** Slack user groups as a directory would answer them, counting look-ups. */
class Groups implements GroupDirectory {
  readonly platform = "slack";
  lookups = 0;
  isGroup(id: string): boolean {
    return id.startsWith("S");
  }
  async members(id: string): Promise<readonly string[]> {
    this.lookups++;
    return id === "SOPS" ? ["UBOB"] : [];
  }
}

describe("Policy", () => {
  it("should let the requester and the approvers answer, and say who can to anyone else", async () => {
    const policy = new Policy({ approvers: ["teams:aad-1"] });
    expect((await policy.mayAnswer({ requester: alice }, alice)).allowed).toBe(true);
    expect((await policy.mayAnswer({ requester: alice }, { platform: "teams", id: "aad-1" })).allowed).toBe(true);
    // The same id on another platform is somebody else.
    expect((await policy.mayAnswer({ requester: alice }, { platform: "teams", id: "UALICE" })).allowed).toBe(false);
    expect(refusal(await policy.mayAnswer({ requester: alice }, bob))).toBe(
      "Only @alice or an approver (@aad-1) can answer this.",
    );
  });

  it("should count the members of an approver group, and name the group in a refusal", async () => {
    const groups = new Groups();
    const policy = new Policy({ approvers: ["slack:SOPS"], groups: [groups] });
    expect((await policy.mayAnswer({ requester: alice }, bob)).allowed).toBe(true);
    const carol = { platform: "slack", id: "UCAROL" };
    expect(refusal(await policy.mayAnswer({ requester: alice }, carol))).toBe(
      "Only @alice or an approver (@SOPS) can answer this.",
    );
    // Other platforms' people are never looked up in Slack's groups.
    expect((await policy.mayAnswer({ requester: alice }, { platform: "teams", id: "UBOB" })).allowed).toBe(false);
    expect(groups.lookups).toBe(2);
  });

  it("should let a skill's owners and the approvers change it, whoever made the latest version", async () => {
    const skill = { name: "archive-attachments", owners: ["slack:UALICE", "slack:UCAROL"] };
    expect((await new Policy({ approvers: [] }).mayChange(skill, alice, "schedule")).allowed).toBe(true);
    expect(refusal(await new Policy({ approvers: [] }).mayChange(skill, bob, "schedule"))).toBe(
      "Only its owners @UALICE or @UCAROL can schedule archive-attachments.",
    );
    expect((await new Policy({ approvers: ["slack:UBOB"] }).mayChange(skill, bob, "roll back")).allowed).toBe(true);
    // An owner who is an approver is named once.
    expect(refusal(await new Policy({ approvers: ["slack:UALICE"] }).mayChange(skill, bob, "roll back"))).toBe(
      "Only its owner @UCAROL or an approver (@UALICE) can roll back archive-attachments.",
    );
    // The same id on another platform owns nothing.
    expect(await new Policy({ approvers: [] }).isOwner(skill, { platform: "teams", id: "UALICE" })).toBe(false);
    const shipped = { name: "archive-attachments", owners: [] };
    expect(refusal(await new Policy({ approvers: [] }).mayChange(shipped, bob, "schedule"))).toMatch(
      /^Only an approver can schedule archive-attachments \(it ships with codemem, or it is gone\), and none is configured: set CODEMEM_APPROVERS/,
    );
  });

  it("should let a session's requester, their guests and the approvers talk in it, and tell anyone else whose it is", async () => {
    const policy = new Policy({ approvers: ["teams:aad-1"] });
    const carol = { platform: "slack", id: "UCAROL", name: "carol" };
    const people = { requester: alice, guests: [carol] };
    expect((await policy.mayTalk(people, alice)).allowed).toBe(true);
    expect((await policy.mayTalk(people, carol)).allowed).toBe(true);
    expect((await policy.mayTalk(people, { platform: "teams", id: "aad-1" })).allowed).toBe(true);
    expect(refusal(await policy.mayTalk(people, bob))).toBe(
      "This is @alice's session, so I did not read that. Mention me in a new thread to start your own, or ask @alice to invite you.",
    );
    expect((await policy.mayAnswer(people, carol)).allowed).toBe(true);
    expect((await policy.mayAnswer({ requester: alice }, carol)).allowed).toBe(false);
  });
});
