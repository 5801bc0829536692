import { describe, expect, it } from "vitest";
import { bestBy, STEP_SLOTS, withReservedSlots } from "../../src/discovery/step-slots.ts";

const ranked = ["a", "b", "c", "d", "e", "f", "g", "h"];
const keep =
  (...ids: string[]) =>
  (id: string) =>
    ids.includes(id);

describe("reserved slots", () => {
  it("should keep the order when nothing is reserved or the reserved items are already on the first page", () => {
    expect(withReservedSlots(ranked, keep())).toEqual(ranked);
    expect(withReservedSlots(ranked, keep("b", "e"))).toEqual(ranked);
  });

  it("should pull reserved items into the first places and push the last unreserved ones down, in order", () => {
    expect(STEP_SLOTS).toBe(5);
    expect(withReservedSlots(ranked, keep("g"))).toEqual(["a", "b", "c", "d", "g", "e", "f", "h"]);
    expect(withReservedSlots(ranked, keep("a", "f", "h"))).toEqual(["a", "b", "c", "f", "h", "d", "e", "g"]);
  });

  it("should fill every slot with reserved items when there are more of them, best first", () => {
    expect(withReservedSlots(ranked, keep("b", "c", "d", "e", "f", "g", "h"), 3)).toEqual([
      "b",
      "c",
      "d",
      "a",
      "e",
      "f",
      "g",
      "h",
    ]);
  });

  it("should pick the item scored highest, the first of equals, and none from nothing", () => {
    const items = [
      { id: "a", score: 1 },
      { id: "b", score: 3 },
      { id: "c", score: 3 },
    ];
    expect(bestBy(items, (item) => item.score)?.id).toBe("b");
    expect(bestBy(items, (item) => -item.score)?.id).toBe("a");
    expect(bestBy([], () => 1)).toBeUndefined();
  });
});
