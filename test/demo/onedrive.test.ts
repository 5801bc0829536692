import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DemoGate } from "../../src/demo/gate.ts";
import { readDemoCounters, type DemoKnobs } from "../../src/demo/knobs.ts";
import { Drive } from "../../src/demo/onedrive/drive.ts";
import { createOneDriveServer } from "../../src/demo/onedrive/server.ts";
import { IDEMPOTENCY_META_KEY } from "../../src/mcp/types.ts";
import { connectInMemory } from "../helpers/in-memory.ts";
import { tempStateDir } from "../helpers/demo.ts";

describe("the onedrive demo server", () => {
  let state: ReturnType<typeof tempStateDir>;
  let mcp: Awaited<ReturnType<typeof connectInMemory>>;
  const start = async (overrides: Partial<DemoKnobs> = {}) => {
    const knobs: DemoKnobs = {
      stateDir: state.dir,
      latencyMs: 0,
      rateLimitPerSecond: 0,
      faultRate: 0,
      seed: 1,
      hangTools: new Set(),
      crashAfterCalls: 0,
      ...overrides,
    };
    mcp = await connectInMemory(createOneDriveServer(new Drive(state.dir), new DemoGate("onedrive", knobs), state.dir));
  };
  beforeEach(() => {
    state = tempStateDir();
  });
  afterEach(async () => {
    await mcp.close();
    state.cleanup();
  });

  it("should create folders and fail a duplicate with 409 nameAlreadyExists", async () => {
    await start();
    const archive = await mcp.call("create_folder", { parent_path: "/", name: "Archive" });
    expect(archive).toMatchObject({
      name: "Archive",
      folder: { childCount: 0 },
      parentReference: { path: "/drive/root:" },
    });
    await mcp.call("create_folder", { parent_path: "/Archive", name: "Contoso" });
    await expect(mcp.call("create_folder", { parent_path: "/Archive", name: "Contoso" })).rejects.toMatchObject({
      details: { status: 409, toolCode: "nameAlreadyExists" },
    });
    expect(
      await mcp.call("create_folder", { parent_path: "/Archive", name: "Contoso", conflictBehavior: "replace" }),
    ).toMatchObject({ name: "Contoso" });
    expect(
      await mcp.call("create_folder", { parent_path: "/Archive", name: "Contoso", conflictBehavior: "rename" }),
    ).toMatchObject({ name: "Contoso 1" });
    const children = (await mcp.call("list_children", { path: "/Archive" })) as { value: { name: string }[] };
    expect(children.value.map((item) => item.name)).toEqual(["Contoso", "Contoso 1"]);
    expect(readDemoCounters(state.dir)).toMatchObject({ foldersCreated: 3, conflicts: 1 });
  });

  it("should need an existing parent and refuse names OneDrive refuses", async () => {
    await start();
    await expect(mcp.call("create_folder", { parent_path: "/Missing", name: "X" })).rejects.toMatchObject({
      details: { status: 404 },
    });
    await expect(mcp.call("create_folder", { parent_path: "/", name: "A/B" })).rejects.toMatchObject({
      details: { status: 400 },
    });
  });

  it("should keep paths inside the drive", async () => {
    await start();
    await mcp.call("upload_file", { parent_path: "/../../..", name: "escape.txt", content_text: "x" });
    expect(existsSync(join(state.dir, "drive", "escape.txt"))).toBe(true);
    expect(existsSync(join(state.dir, "..", "escape.txt"))).toBe(false);
  });

  it("should upload with conflictBehavior replace, fail and rename, counting duplicate writes", async () => {
    await start();
    await mcp.call("upload_file", {
      parent_path: "/",
      name: "a.pdf",
      content_base64: Buffer.from("%PDF").toString("base64"),
    });
    await mcp.call("upload_file", { parent_path: "/", name: "a.pdf", content_text: "v2" });
    await expect(
      mcp.call("upload_file", { parent_path: "/", name: "a.pdf", content_text: "v3", conflictBehavior: "fail" }),
    ).rejects.toMatchObject({
      details: { status: 409 },
    });
    expect(
      await mcp.call("upload_file", {
        parent_path: "/",
        name: "a.pdf",
        content_text: "v4",
        conflictBehavior: "rename",
      }),
    ).toMatchObject({ name: "a 1.pdf" });
    const counters = readDemoCounters(state.dir);
    expect(counters).toMatchObject({ filesWritten: 3, duplicateWrites: 2, conflicts: 1 });
    expect(new Drive(state.dir).readText("/a.pdf")).toBe("v2");
  });

  it("should replay a write with the same idempotency key instead of repeating it", async () => {
    await start();
    const meta = { [IDEMPOTENCY_META_KEY]: "run1/item7/call0" };
    const first = await mcp.call("upload_file", { parent_path: "/", name: "b.xlsx", content_text: "1" }, meta);
    const again = await mcp.call("upload_file", { parent_path: "/", name: "b.xlsx", content_text: "1" }, meta);
    expect(again).toEqual(first);
    const counters = readDemoCounters(state.dir);
    expect(counters).toMatchObject({ filesWritten: 1, duplicateWrites: 0, idempotentReplays: 1 });
    const folderMeta = { [IDEMPOTENCY_META_KEY]: "run1/item7/call1" };
    await mcp.call("create_folder", { parent_path: "/", name: "Fabrikam" }, folderMeta);
    await expect(mcp.call("create_folder", { parent_path: "/", name: "Fabrikam" }, folderMeta)).resolves.toMatchObject({
      name: "Fabrikam",
    });
  });

  it("should inject seeded faults and rate limits", async () => {
    await start({ faultRate: 0.5, rateLimitPerSecond: 0 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, () => mcp.call("list_children", { path: "/" })),
    );
    const failed = outcomes.filter((o) => o.status === "rejected");
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.length).toBeLessThan(35);
    expect(readDemoCounters(state.dir).faults).toBe(failed.length);
  });
});
