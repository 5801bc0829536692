import { describe, expect, it } from "vitest";
import { parseMcpConfig } from "../../src/mcp/config-file.ts";
import { assignToolIds, toIdentifier } from "../../src/mcp/tool-id.ts";
import { unwrapToolResult } from "../../src/mcp/unwrap.ts";

describe("tool ids", () => {
  it("should turn names that are not JS identifiers into ones", () => {
    expect(toIdentifier("get-sum")).toBe("get_sum");
    expect(toIdentifier("files.read")).toBe("files_read");
    expect(toIdentifier("3d-print")).toBe("_3d_print");
  });

  it("should keep ids unique when names collide after sanitizing, stably", () => {
    const ids = assignToolIds("app", ["get-sum", "get_sum", "get.sum"]);
    expect(ids.get("get_sum")).toBe("app__get_sum");
    expect(new Set(ids.values()).size).toBe(3);
    expect(assignToolIds("app", ["get.sum", "get-sum", "get_sum"])).toEqual(ids);
  });
});

describe("unwrapToolResult", () => {
  it("should prefer structuredContent, then JSON text, then text", () => {
    expect(
      unwrapToolResult("a__b", { structuredContent: { x: 1 }, content: [{ type: "text", text: '{"x":2}' }] }),
    ).toEqual({ x: 1 });
    expect(unwrapToolResult("a__b", { content: [{ type: "text", text: '{"x":2}' }] })).toEqual({ x: 2 });
    expect(unwrapToolResult("a__b", { content: [{ type: "text", text: "plain words" }] })).toBe("plain words");
    expect(
      unwrapToolResult("a__b", {
        content: [
          { type: "text", text: "[1,2]" },
          { type: "text", text: "3" },
        ],
      }),
    ).toEqual([[1, 2], 3]);
  });

  it("should read a rate limit and its retry-after from an error result", () => {
    expect(() =>
      unwrapToolResult("a__b", {
        isError: true,
        content: [
          {
            type: "text",
            text: JSON.stringify({
              status: 429,
              error: { code: "TooManyRequests", message: "slow down" },
              retryAfterSeconds: 2,
            }),
          },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: "MCP_RATE_LIMITED", retryAfterMs: 2000 }));
  });

  it("should mark 5xx tool errors retryable and 4xx not", () => {
    const error = (status: number) => {
      try {
        unwrapToolResult("a__b", {
          isError: true,
          content: [{ type: "text", text: JSON.stringify({ status, error: { code: "x", message: "m" } }) }],
        });
      } catch (e) {
        return e as { retryable: boolean; code: string };
      }
      throw new Error("no throw");
    };
    expect(error(503)).toMatchObject({ code: "TOOL_ERROR", retryable: true });
    expect(error(400)).toMatchObject({ code: "TOOL_ERROR", retryable: false });
  });
});

describe("mcp.json", () => {
  it("should accept stdio and streamable HTTP servers", () => {
    const config = parseMcpConfig(
      JSON.stringify({
        mcpServers: {
          a: { command: "node", args: ["x.js"] },
          b: { url: "http://127.0.0.1:1/mcp", headers: { Authorization: "x" } },
        },
      }),
    );
    expect(config.mcpServers.a).toMatchObject({ command: "node", args: ["x.js"], env: {} });
    expect(config.mcpServers.b).toMatchObject({ url: "http://127.0.0.1:1/mcp" });
  });

  it.each([
    ["{ not json", /not valid JSON/],
    [JSON.stringify({ servers: {} }), /mcpServers/],
    [JSON.stringify({ mcpServers: { a: { args: ["x"] } } }), /either "command".*or "url"/],
    [JSON.stringify({ mcpServers: { a: { url: "ftp://x" } } }), /mcpServers\.a/],
    [JSON.stringify({ mcpServers: { "bad name!": { command: "x" } } }), /letters, digits/],
  ])("should reject %s with one line naming the problem", (text, pattern) => {
    expect(() => parseMcpConfig(text, "mcp.json")).toThrow(pattern);
    try {
      parseMcpConfig(text, "mcp.json");
    } catch (error) {
      expect((error as { code: string }).code).toBe("CONFIG_INVALID");
      expect((error as Error).message.split("\n")).toHaveLength(1);
      expect((error as Error).message.startsWith("mcp.json:")).toBe(true);
    }
  });
});
