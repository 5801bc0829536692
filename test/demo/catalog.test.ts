import { describe, expect, it } from "vitest";
import { CATALOG_APPS } from "../../src/demo/catalog/apps.ts";
import { catalogTools } from "../../src/demo/catalog/tools.ts";
import { toIdentifier } from "../../src/mcp/tool-id.ts";

describe("the demo catalog", () => {
  const tools = CATALOG_APPS.flatMap((app) => catalogTools(app).map((tool) => ({ app: app.id, ...tool })));

  it("should hold at least 1,000 tools across at least 50 apps", () => {
    expect(CATALOG_APPS.length).toBeGreaterThanOrEqual(50);
    expect(tools.length).toBeGreaterThanOrEqual(1000);
  });

  it("should give every tool a unique valid id, a description and an object input schema", () => {
    const ids = tools.map((tool) => `${tool.app}__${tool.name}`);
    expect(new Set(ids).size).toBe(ids.length);
    for (const tool of tools) {
      expect(toIdentifier(tool.name)).toBe(tool.name);
      expect(tool.description?.length ?? 0).toBeGreaterThan(12);
      expect(tool.inputSchema.type).toBe("object");
    }
  });

  it("should include near-duplicate apps so discovery must tell them apart", () => {
    const names = (app: string) => new Set(tools.filter((tool) => tool.app === app).map((tool) => tool.name));
    expect(names("gmail").has("list_messages")).toBe(true);
    expect(names("yahoo_mail").has("list_messages")).toBe(true);
    expect(names("dropbox").has("upload_file")).toBe(true);
    expect(names("google_drive").has("upload_file")).toBe(true);
    expect(names("jira").has("create_issue")).toBe(true);
    expect(names("linear").has("create_issue")).toBe(true);
  });

  it("should annotate reads as read-only and deletes as destructive", () => {
    const byId = new Map(tools.map((tool) => [`${tool.app}__${tool.name}`, tool]));
    expect(byId.get("gmail__list_messages")?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byId.get("gmail__delete_message")?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(byId.get("gmail__send_message")?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
  });
});
