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
    expect((await policy.mayAnswer(alice, alice)).allowed).toBe(true);
    expect((await policy.mayAnswer(alice, { platform: "teams", id: "aad-1" })).allowed).toBe(true);
    // The same id on another platform is somebody else.
    expect((await policy.mayAnswer(alice, { platform: "teams", id: "UALICE" })).allowed).toBe(false);
    expect(refusal(await policy.mayAnswer(alice, bob))).toBe("Only @alice or an approver (@aad-1) can answer this.");
  });

  it("should count the members of an approver group, and name the group in a refusal", async () => {
    const groups = new Groups();
    const policy = new Policy({ approvers: ["slack:SOPS"], groups: [groups] });
    expect((await policy.mayAnswer(alice, bob)).allowed).toBe(true);
    const carol = { platform: "slack", id: "UCAROL" };
    expect(refusal(await policy.mayAnswer(alice, carol))).toBe("Only @alice or an approver (@SOPS) can answer this.");
    // Other platforms' people are never looked up in Slack's groups.
    expect((await policy.mayAnswer(alice, { platform: "teams", id: "UBOB" })).allowed).toBe(false);
    expect(groups.lookups).toBe(2);
  });

  it("should let a skill's author and approvers change it, and explain a shipped skill with no approver", async () => {
    const skill = { name: "archive-attachments", author: "slack:UALICE", approver: "slack:UALICE" };
    expect((await new Policy({ approvers: [] }).mayChange(skill, alice, "schedule")).allowed).toBe(true);
    expect(refusal(await new Policy({ approvers: [] }).mayChange(skill, bob, "schedule"))).toBe(
      "Only its author @UALICE can schedule archive-attachments.",
    );
    expect((await new Policy({ approvers: ["slack:UBOB"] }).mayChange(skill, bob, "roll back")).allowed).toBe(true);
    const shipped = { name: "archive-attachments", author: "codemem", approver: "shipped" };
    expect(refusal(await new Policy({ approvers: [] }).mayChange(shipped, bob, "schedule"))).toMatch(
      /^Only an approver can schedule archive-attachments \(it ships with codemem\), and none is configured: set CODEMEM_APPROVERS/,
    );
  });
});
