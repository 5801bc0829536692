import { describe, expect, it } from "vitest";
import { VectorTable } from "../../src/discovery/similarities.ts";

const unit = (values: number[]) => {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
};
const naive = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * (b[i] as number), 0);

describe("vector table", () => {
  it("should score every row as the plain dot product, for a width that is not a multiple of four", () => {
    const rows = Array.from({ length: 9 }, (_, row) =>
      unit(Array.from({ length: 7 }, (_, j) => Math.sin(row * 7 + j))),
    );
    const table = VectorTable.EMPTY.with(
      rows.map((vector, row) => [`t${row}`, vector]),
      [],
    );
    const query = unit([1, -2, 3, 0.5, 0, 2, -1]);
    const similarities = table.similarities(query);
    expect(similarities.size).toBe(9);
    for (const [row, vector] of rows.entries())
      expect(similarities.get(`t${row}`)).toBeCloseTo(naive(vector, query), 5);
    expect(similarities.get("unknown")).toBeUndefined();
  });

  it("should add, replace and remove rows in a new table and leave the old one as it was", () => {
    const first = VectorTable.EMPTY.with(
      [
        ["a", unit([1, 0])],
        ["b", unit([0, 1])],
      ],
      [],
    );
    const second = first.with([["b", unit([1, 0])]], ["a"]);
    const query = unit([1, 0]);
    expect(second.ids).toEqual(["b"]);
    expect(second.similarities(query).get("b")).toBeCloseTo(1, 6);
    expect(second.similarities(query).get("a")).toBeUndefined();
    // What an earlier search holds still reads the rows it was computed over.
    expect(first.ids).toEqual(["a", "b"]);
    expect(first.similarities(query).get("a")).toBeCloseTo(1, 6);
    expect(first.similarities(query).get("b")).toBeCloseTo(0, 6);
  });

  it("should grow app by app while earlier snapshots and their similarities stay as they were", () => {
    let table = VectorTable.EMPTY;
    const snapshots: { table: VectorTable; size: number }[] = [];
    for (let app = 0; app < 40; app++) {
      table = table.with(
        Array.from({ length: 3 }, (_, i) => [`app${app}__t${i}`, unit([app + 1, i + 1, 1])] as [string, Float32Array]),
        [],
      );
      snapshots.push({ table, size: (app + 1) * 3 });
    }
    const query = unit([1, 1, 1]);
    const early = snapshots[4]?.table as VectorTable;
    const earlyScores = early.similarities(query);
    // Appending past an older snapshot (not the newest) must not write over the newer one's rows.
    const branch = early.with([["other__x", unit([0, 0, 1])]], []);
    expect(branch.ids).toEqual([...early.ids, "other__x"]);
    for (const { table: snapshot, size } of snapshots) {
      expect(snapshot.size).toBe(size);
      expect(snapshot.ids).toHaveLength(size);
    }
    expect(table.similarities(query).get("app39__t2")).toBeCloseTo(naive(unit([40, 3, 1]), query), 5);
    expect(table.similarities(query).get("other__x")).toBeUndefined();
    expect(earlyScores.size).toBe(15);
    expect(earlyScores.get("app4__t0")).toBeCloseTo(naive(unit([5, 1, 1]), query), 5);
    expect(earlyScores.get("app5__t0")).toBeUndefined();
    expect(earlyScores.ranking(100, () => true).top).toHaveLength(15);
    // A removal after all that builds new rows and keeps the rest.
    const pruned = table.with([], ["app0__t0", "app39__t2"]);
    expect(pruned.size).toBe(118);
    expect(pruned.similarities(query).get("app0__t0")).toBeUndefined();
    expect(pruned.similarities(query).get("app20__t1")).toBeCloseTo(naive(unit([21, 2, 1]), query), 5);
    expect(table.similarities(query).get("app0__t0")).toBeDefined();
  });

  it("should rank the accepted tools, best first, with equal tools sharing a rank", () => {
    const table = VectorTable.EMPTY.with(
      [
        ["mail__send", unit([1, 0.1])],
        ["mail__send_copy", unit([1, 0.1])],
        ["chat__post", unit([1, 0.5])],
        ["mail__list", unit([0.2, 1])],
        ["drive__upload", unit([0, 1])],
      ],
      [],
    );
    const similarities = table.similarities(unit([1, 0]));
    const all = similarities.ranking(3, () => true);
    expect(all.top.map(([id]) => id)).toEqual(["mail__send", "mail__send_copy", "chat__post"]);
    expect(all.rankOf(similarities.get("mail__send") as number)).toBe(0);
    expect(all.rankOf(similarities.get("mail__send_copy") as number)).toBe(0);
    expect(all.rankOf(similarities.get("chat__post") as number)).toBe(2);
    expect(all.rankOf(similarities.get("drive__upload") as number)).toBe(4);
    const mail = similarities.ranking(2, (id) => id.startsWith("mail__"));
    expect(mail.top.map(([id]) => id)).toEqual(["mail__send", "mail__send_copy"]);
    expect(mail.rankOf(similarities.get("mail__list") as number)).toBe(2);
    expect(similarities.ranking(5, () => false).top).toEqual([]);
  });

  it("should move a text toward its three most similar tools and compare it again (pseudo-relevance feedback)", () => {
    const rows = Array.from({ length: 8 }, (_, row) =>
      unit(Array.from({ length: 5 }, (_, j) => Math.cos(row * 5 + j * 1.3))),
    );
    const table = VectorTable.EMPTY.with(
      rows.map((vector, row) => [`t${row}`, vector]),
      [],
    );
    const query = unit([0.2, -1, 0.4, 1, 0.3]);
    const similarities = table.similarities(query);
    const best = rows
      .map((vector, row) => ({ row, score: naive(vector, query) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 3)
      .map(({ row }) => rows[row] as Float32Array);
    const moved = unit(Array.from(query, (value, j) => value + best.reduce((sum, v) => sum + (v[j] as number), 0) / 3));
    const feedback = similarities.feedback();
    for (const [row, vector] of rows.entries()) expect(feedback.get(`t${row}`)).toBeCloseTo(naive(vector, moved), 5);
    expect(similarities.feedback()).toBe(feedback);
    expect(feedback.get("unknown")).toBeUndefined();
    // The tools it moved toward come nearer than they were.
    expect(feedback.get("t0")).not.toBeCloseTo(similarities.get("t0") as number, 3);
  });

  it("should leave a text as it is when there is no tool to move toward", () => {
    const similarities = VectorTable.EMPTY.similarities(unit([1, 0]));
    expect(similarities.feedback()).toBe(similarities);
    expect(similarities.feedback().get("a")).toBeUndefined();
  });
});
