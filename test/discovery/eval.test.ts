import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluate } from "../../src/discovery/eval.ts";
import { runCodemem } from "../helpers/cli.ts";
import { tempStateDir } from "../helpers/demo.ts";

describe("evaluate", () => {
  it("should compute recall@k, nDCG@10 and MRR as defined", async () => {
    const ranking: Record<string, string[]> = { q1: ["a", "b", "c"], q2: ["x", "y", "a", "b"] };
    const result = await evaluate({ rank: (query) => ranking[query] ?? [] }, [
      { query: "q1", relevant: ["a"] },
      { query: "q2", relevant: ["a", "b"] },
    ]);
    expect(result["recall@1"]).toBe(0.5);
    expect(result["recall@5"]).toBe(1);
    expect(result.mrr).toBe(Math.round(((1 + 1 / 3) / 2) * 1000) / 1000);
    const ndcg2 = (1 / Math.log2(4) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3));
    expect(result["ndcg@10"]).toBe(Math.round(((1 + ndcg2) / 2) * 1000) / 1000);
  });
});

describe("codemem discovery eval", () => {
  const work = tempStateDir("codemem-eval-");
  afterAll(() => work.cleanup());
  const run = (args: string[]) => runCodemem(args, { cwd: work.dir });

  it("should print one JSON line for ours and for the BM25 baseline", async () => {
    const tools = join(work.dir, "tools.jsonl");
    const queries = join(work.dir, "queries.jsonl");
    writeFileSync(
      tools,
      [
        {
          id: "mail__send",
          app: "mail",
          name: "send",
          description: "Send an email message to people",
          parameters: { type: "object", properties: { to: { description: "recipients" } } },
        },
        {
          id: "drive__upload",
          app: "drive",
          name: "upload",
          description: "Upload a file into a folder",
          parameters: {},
        },
        {
          id: "cal__create_event",
          app: "cal",
          name: "create_event",
          description: "Create a calendar event",
          parameters: {},
        },
      ]
        .map((line) => JSON.stringify(line))
        .join("\n"),
    );
    writeFileSync(
      queries,
      [
        { query: "email my team", relevant: ["mail__send"] },
        { query: "put the report in a folder", relevant: ["drive__upload"] },
      ]
        .map((q) => JSON.stringify(q))
        .join("\n"),
    );
    for (const extra of [[], ["--baseline", "bm25"]]) {
      const result = await run(["discovery", "eval", "--tools", tools, "--queries", queries, "--k", "10", ...extra]);
      expect(result.stderr).toBe("");
      const lines = result.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      const figures = JSON.parse(lines[0] as string) as Record<string, number | string>;
      expect(Object.keys(figures).slice(0, 8)).toEqual([
        "queries",
        "recall@1",
        "recall@5",
        "recall@10",
        "ndcg@10",
        "mrr",
        "p50_ms",
        "p99_ms",
      ]);
      expect(figures.queries).toBe(2);
      expect(figures["recall@5"]).toBe(1);
    }
  });

  it("should print one line per --set and one for their mean", async () => {
    const sets = ["first", "second"].map((name, n) => {
      const dir = join(work.dir, name);
      mkdirSync(dir, { recursive: true });
      const tools = [
        { id: "mail__send", app: "mail", name: "send", description: "Send an email message" },
        { id: "drive__upload", app: "drive", name: "upload", description: "Upload a file into a folder" },
      ];
      writeFileSync(join(dir, "tools.jsonl"), tools.map((tool) => JSON.stringify(tool)).join("\n"));
      const queries = [{ query: n === 0 ? "email the team" : "upload my file", relevant: ["mail__send"] }];
      writeFileSync(join(dir, "queries.jsonl"), queries.map((query) => JSON.stringify(query)).join("\n"));
      return dir;
    });
    const result = await run(["discovery", "eval", "--set", `named=${sets[0]}`, "--set", sets[1] as string]);
    expect(result.stderr).toBe("");
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, number | string>);
    expect(lines.map((line) => line.set)).toEqual(["named", "second", "mean"]);
    expect(lines.map((line) => line["recall@1"])).toEqual([1, 0, 0.5]);
  });

  it("should name a bad line of a tools file", async () => {
    const tools = join(work.dir, "bad.jsonl");
    writeFileSync(tools, '{"id":"a__b","app":"a","name":"b"}\n{"app":"x"}\n');
    const result = await run(["discovery", "eval", "--tools", tools, "--queries", tools]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad\.jsonl:2: id = missing/);
  });
});
