import { describe, expect, it } from "vitest";
import { Policy } from "../../src/core/policy.ts";
import { renderText } from "../../src/ui/render-text.ts";

const alice = { platform: "slack", id: "UALICE", name: "alice" };
const bob = { platform: "slack", id: "UBOB", name: "bob" };
const refusal = (decision: ReturnType<Policy["mayAnswer"]>) =>
  decision.allowed ? "allowed" : renderText({ blocks: [decision.refusal] });

describe("Policy", () => {
  it("should let the requester and the approvers answer, and say who can to anyone else", () => {
    const policy = new Policy({ approvers: ["teams:aad-1"] });
    expect(policy.mayAnswer(alice, alice).allowed).toBe(true);
    expect(policy.mayAnswer(alice, { platform: "teams", id: "aad-1" }).allowed).toBe(true);
    // The same id on another platform is somebody else.
    expect(policy.mayAnswer(alice, { platform: "teams", id: "UALICE" }).allowed).toBe(false);
    expect(refusal(policy.mayAnswer(alice, bob))).toBe("Only @alice or an approver (@aad-1) can answer this.");
  });

  it("should let a skill's author and approvers change it, and explain a shipped skill with no approver", () => {
    const skill = { name: "archive-attachments", author: "slack:UALICE", approver: "slack:UALICE" };
    expect(new Policy({ approvers: [] }).mayChange(skill, alice, "schedule").allowed).toBe(true);
    expect(refusal(new Policy({ approvers: [] }).mayChange(skill, bob, "schedule"))).toBe(
      "Only its author @UALICE can schedule archive-attachments.",
    );
    expect(new Policy({ approvers: ["slack:UBOB"] }).mayChange(skill, bob, "roll back").allowed).toBe(true);
    const shipped = { name: "archive-attachments", author: "codemem", approver: "shipped" };
    expect(refusal(new Policy({ approvers: [] }).mayChange(shipped, bob, "schedule"))).toMatch(
      /^Only an approver can schedule archive-attachments \(it ships with codemem\), and none is configured: set CODEMEM_APPROVERS/,
    );
  });
});
