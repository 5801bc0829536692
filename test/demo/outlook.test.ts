import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DemoGate } from "../../src/demo/gate.ts";
import { readDemoCounters } from "../../src/demo/knobs.ts";
import { generateMailbox, INTERNAL_DOMAIN, type GraphMessage } from "../../src/demo/outlook/mailbox.ts";
import { createOutlookServer } from "../../src/demo/outlook/server.ts";
import { connectInMemory } from "../helpers/in-memory.ts";
import { tempStateDir } from "../helpers/demo.ts";

const NOW = new Date("2026-11-25T00:00:00Z");
type Page = { "@odata.context": string; value: GraphMessage[]; "@odata.nextLink"?: string };

describe("the outlook demo mailbox", () => {
  it("should be deterministic for a seed and differ across seeds", () => {
    const a = generateMailbox({ size: 30, seed: 7, now: NOW });
    const b = generateMailbox({ size: 30, seed: 7, now: NOW });
    const c = generateMailbox({ size: 30, seed: 8, now: NOW });
    expect(a.messages).toEqual(b.messages);
    expect(a.messages.map((m) => m.from.emailAddress.address)).not.toEqual(
      c.messages.map((m) => m.from.emailAddress.address),
    );
  });

  it("should mix companies, internal senders and PDF/XLSX/other attachments, newest first", () => {
    const { messages, attachments } = generateMailbox({ size: 500, seed: 42, now: NOW });
    const domains = new Set(messages.map((m) => m.from.emailAddress.address.split("@")[1]));
    expect(domains.has(INTERNAL_DOMAIN)).toBe(true);
    expect(domains.size).toBeGreaterThan(8);
    const names = [...attachments.values()].flat().map((a) => a.name.split(".").pop());
    for (const extension of ["pdf", "xlsx", "docx", "png", "csv"]) expect(names).toContain(extension);
    const times = messages.map((m) => Date.parse(m.receivedDateTime));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(Math.max(...times)).toBeLessThan(NOW.getTime());
  });
});

describe("the outlook demo server", () => {
  let state: ReturnType<typeof tempStateDir>;
  let mcp: Awaited<ReturnType<typeof connectInMemory>>;
  const mailbox = generateMailbox({ size: 120, seed: 42, now: NOW });

  beforeEach(async () => {
    state = tempStateDir();
    const knobs = {
      stateDir: state.dir,
      latencyMs: 0,
      rateLimitPerSecond: 0,
      faultRate: 0,
      seed: 42,
      hangTools: new Set<string>(),
      crashAfterCalls: 0,
    };
    mcp = await connectInMemory(createOutlookServer(mailbox, new DemoGate("outlook", knobs)));
  });
  afterEach(async () => {
    await mcp.close();
    state.cleanup();
  });

  it("should wrap results in a Graph envelope and page with @odata.nextLink", async () => {
    const first = (await mcp.call("list_messages", { $top: 50 })) as Page;
    expect(first["@odata.context"]).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/\$metadata#users/);
    expect(first.value).toHaveLength(50);
    const second = (await mcp.call("list_messages", { nextLink: first["@odata.nextLink"] })) as Page;
    const third = (await mcp.call("list_messages", { nextLink: second["@odata.nextLink"] })) as Page;
    expect(third.value).toHaveLength(20);
    expect(third["@odata.nextLink"]).toBeUndefined();
    const ids = [...first.value, ...second.value, ...third.value].map((m) => m.id);
    expect(new Set(ids).size).toBe(120);
  });

  it("should filter on receivedDateTime and hasAttachments with unquoted ISO 8601 dates", async () => {
    const since = "2026-11-10T00:00:00Z";
    const page = (await mcp.call("list_messages", {
      $top: 1000,
      $filter: `receivedDateTime ge ${since} and hasAttachments eq true`,
    })) as Page;
    const expected = mailbox.messages.filter((m) => m.receivedDateTime >= since && m.hasAttachments);
    expect(page.value.map((m) => m.id)).toEqual(expected.map((m) => m.id));
    expect(page.value.length).toBeGreaterThan(5);
  });

  it("should answer a malformed date like Graph does", async () => {
    await expect(mcp.call("list_messages", { $filter: "receivedDateTime ge '2026-11-10'" })).rejects.toMatchObject({
      code: "TOOL_ERROR",
      message: expect.stringContaining("DateTimeOffset"),
    });
    await expect(mcp.call("list_messages", { $filter: "sender eq 'x'" })).rejects.toMatchObject({
      message: expect.stringContaining("sender"),
    });
  });

  it("should keep only $select fields and the id", async () => {
    const page = (await mcp.call("list_messages", { $top: 2, $select: "subject,from" })) as Page;
    expect(Object.keys(page.value[0] ?? {}).sort()).toEqual(["from", "id", "subject"]);
  });

  it("should list attachments without content and download one with base64 content", async () => {
    const message = mailbox.messages.find((m) => m.hasAttachments) as GraphMessage;
    const list = (await mcp.call("list_attachments", { message_id: message.id })) as {
      value: { id: string; name: string; size: number }[];
    };
    expect(list.value.length).toBeGreaterThan(0);
    expect(list.value[0]).not.toHaveProperty("contentBytes");
    const attachment = (await mcp.call("get_attachment", {
      message_id: message.id,
      attachment_id: list.value[0]?.id,
    })) as { contentBytes: string; size: number };
    expect(Buffer.from(attachment.contentBytes, "base64").length).toBe(attachment.size);
    await expect(mcp.call("get_message", { message_id: "nope" })).rejects.toMatchObject({
      details: { status: 404, toolCode: "ErrorItemNotFound" },
    });
  });

  it("should count every call in the events log", async () => {
    await mcp.call("list_messages", { $top: 1 });
    await mcp.call("list_messages", { $top: 1 });
    await mcp.call("get_message", { message_id: mailbox.messages[0]?.id });
    expect(readDemoCounters(state.dir).calls).toEqual({ outlook__list_messages: 2, outlook__get_message: 1 });
  });
});
