import { describe, expect, it } from "vitest";
import { Bm25Index } from "../../src/discovery/bm25.ts";
import { candidateFeatures, clausesOf, entryTerms, FEATURES, scoreOf } from "../../src/discovery/features.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { VectorTable } from "../../src/discovery/similarities.ts";
import { demoCatalog } from "../helpers/catalog.ts";

const value = (values: Float64Array, feature: (typeof FEATURES)[number]) => values[FEATURES.indexOf(feature)];

describe("ranking features", () => {
  it("should split a request with several steps at sentence ends and step words", () => {
    expect(clausesOf("Create a jira issue for the bug. Then upload the log file to dropbox")).toEqual([
      "Create a jira issue for the bug.",
      "upload the log file to dropbox",
    ]);
    expect(clausesOf("get the weather in Paris, and after that book a table for two")).toEqual([
      "get the weather in Paris,",
      "book a table for two",
    ]);
    expect(clausesOf("list my unread messages")).toEqual(["list my unread messages"]);
  });

  it("should read a tool's name apart from its description, generic verbs left out", () => {
    const index = new Bm25Index();
    index.upsert("weather__getForecast", "weather getForecast Returns the forecast of a city for days");
    index.upsert("notes__write", "notes write Write a note about the weather forecast in the city");
    const entries = new Map([
      ["weather__getForecast", entryTerms("getForecast", "weather")],
      ["notes__write", entryTerms("write", "notes")],
    ]);
    expect(entries.get("weather__getForecast")?.nameNouns).toEqual(["forecast"]);
    const candidates = candidateFeatures(index, entries, { query: "forecast for Paris", accept: () => true });
    const forecast = candidates.find((c) => c.id === "weather__getForecast")?.values as Float64Array;
    const notes = candidates.find((c) => c.id === "notes__write")?.values as Float64Array;
    expect(value(forecast, "name_cover_nouns")).toBe(1);
    expect(value(forecast, "name_cover")).toBe(0.5);
    expect(value(notes, "name_cover")).toBe(0);
    // No embeddings: the dense features stay 0 and so weigh nothing.
    expect(value(forecast, "cosine")).toBe(0);
    expect(scoreOf(forecast, { name_cover_nouns: 2, cosine: 5 })).toBe(2);
  });

  it("should read a tool's similarity to the request, to its best step, and after feedback", () => {
    const index = new Bm25Index();
    const ids = ["mail__send", "drive__upload", "chat__post"];
    for (const id of ids) index.upsert(id, id.replace("__", " "));
    const entries = new Map(
      ids.map((id) => [id, entryTerms(id.split("__")[1] as string, id.split("__")[0] as string)]),
    );
    const unit = (x: number, y: number) => Float32Array.of(x / Math.hypot(x, y), y / Math.hypot(x, y));
    const table = VectorTable.EMPTY.with(
      [
        ["mail__send", unit(1, 0)],
        ["drive__upload", unit(0, 1)],
        ["chat__post", unit(1, 1)],
      ],
      [],
    );
    const whole = table.similarities(unit(1, 0.2));
    const steps = [table.similarities(unit(0.1, 1)), table.similarities(unit(1, 0))];
    const candidates = candidateFeatures(index, entries, {
      query: "send the mail, then upload it",
      accept: () => true,
      similarities: whole,
      stepSimilarities: steps,
    });
    expect(candidates.map((candidate) => candidate.id).sort()).toEqual([...ids].sort());
    for (const { id, values } of candidates) {
      const texts = [whole, ...steps];
      expect(value(values, "cosine")).toBeCloseTo(whole.get(id) as number, 6);
      expect(value(values, "clause_cosine")).toBeCloseTo(Math.max(...texts.map((text) => text.get(id) as number)), 6);
      expect(value(values, "feedback_cosine")).toBeCloseTo(
        Math.max(...texts.map((text) => text.feedback().get(id) as number)),
        6,
      );
    }
    // Feedback moved the request toward its nearest tools, so it reads differently from the request.
    const post = candidates.find((candidate) => candidate.id === "chat__post")?.values as Float64Array;
    expect(value(post, "feedback_cosine")).not.toBeCloseTo(value(post, "clause_cosine") as number, 3);
  });

  it("should surface each step's tool of a request that needs several", () => {
    const search = new ToolSearch({ catalog: demoCatalog() });
    const ids = search.searchLexical({ query: "create a jira issue for the bug. Also upload the log file to dropbox" });
    expect(
      ids
        .map((hit) => hit.id)
        .slice(0, 2)
        .sort(),
    ).toEqual(["dropbox__upload_file", "jira__create_issue"]);
  });

  it("should take an app filter and exact names into the candidates", () => {
    const search = new ToolSearch({ catalog: demoCatalog() });
    const scoped = search.candidates({ query: "upload a file", app: "dropbox" });
    expect(scoped.length).toBeGreaterThan(0);
    expect(scoped.every((candidate) => candidate.id.startsWith("dropbox__"))).toBe(true);
    expect(search.candidates({ query: "outlook__list_messages" }).map((c) => c.id)).toContain("outlook__list_messages");
  });
});
