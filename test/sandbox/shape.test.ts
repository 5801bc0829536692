import { describe, expect, it } from "vitest";
import { inferSchema, mergeSchemas } from "../../src/sandbox/shape.ts";

describe("inferSchema", () => {
  it("should lock the Graph envelope, not a bare list", () => {
    const schema = inferSchema({ "@odata.context": "x", value: [{ id: "1", size: 3 }] });
    expect(schema).toEqual({
      type: "object",
      properties: {
        "@odata.context": { type: "string" },
        value: {
          type: "array",
          items: {
            type: "object",
            properties: { id: { type: "string" }, size: { type: "integer" } },
            required: ["id", "size"],
          },
        },
      },
      required: ["@odata.context", "value"],
    });
  });

  it("should mark fields seen in only some items as optional and widen types", () => {
    const schema = inferSchema([{ a: 1, b: "x" }, { a: 1.5 }, { a: null }]);
    expect(schema.items).toEqual({
      type: "object",
      properties: { a: { type: ["null", "number"] }, b: { type: "string" } },
      required: ["a"],
    });
  });

  it("should merge two schemas commutatively on required fields", () => {
    const a = inferSchema({ x: 1, y: 2 });
    const b = inferSchema({ x: 3 });
    expect(mergeSchemas(a, b).required).toEqual(["x"]);
    expect(mergeSchemas(b, a).required).toEqual(["x"]);
  });
});
