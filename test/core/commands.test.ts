import { describe, expect, it } from "vitest";
import { isCommandMention, parseCommand } from "../../src/core/commands.ts";

describe("parseCommand", () => {
  it("should read every command, with quoted cron, time zone and JSON params", () => {
    expect(parseCommand('/codemem run archive-attachments {"days": 7}')).toEqual({
      name: "run",
      skill: "archive-attachments",
      params: { days: 7 },
    });
    expect(parseCommand('schedule archive-attachments "0 8 * * 1-5" Europe/Paris {"days": 1}')).toEqual({
      name: "schedule",
      skill: "archive-attachments",
      cron: "0 8 * * 1-5",
      tz: "Europe/Paris",
      params: { days: 1 },
    });
    expect(parseCommand("schedule x “*/5 * * * *”")).toMatchObject({ cron: "*/5 * * * *", tz: undefined });
    expect(parseCommand("status")).toEqual({ name: "status", runId: undefined });
    expect(parseCommand("runs")).toEqual({ name: "runs", skill: undefined });
    expect(parseCommand("/codemem runs archive-attachments")).toEqual({ name: "runs", skill: "archive-attachments" });
    expect(parseCommand("rollback archive-attachments 1")).toEqual({
      name: "rollback",
      skill: "archive-attachments",
      version: 1,
    });
    expect(parseCommand("")).toEqual({ name: "help" });
  });

  it.each([
    ["run", /usage: \/codemem run <skill> \[json\]/],
    ["run x {days: 1}", /not JSON .*like \{"days": 7\}/],
    ["run x [1]", /a JSON object/],
    ["schedule x", /usage: \/codemem schedule/],
    ["runs a b", /usage: \/codemem runs \[skill\]/],
    ["rollback x latest", /usage: \/codemem rollback <skill> <version number>/],
    ["frobnicate", /unknown command "frobnicate". Try \/codemem help./],
  ])("should answer %j with one line saying what to type", (text, pattern) => {
    expect(() => parseCommand(text)).toThrow(pattern);
  });

  it("should treat a mention that starts with a command word as a command", () => {
    expect(isCommandMention("run archive-attachments")).toBe(true);
    expect(isCommandMention("archive my attachments")).toBe(false);
  });
});
