import { describe, expect, it } from "vitest";
import { Bm25Index } from "../../src/discovery/bm25.ts";
import { candidateFeatures, clausesOf, entryTerms, FEATURES, scoreOf } from "../../src/discovery/features.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
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
