import { describe, expect, it } from "vitest";
import { ToolCatalog } from "../../src/discovery/catalog.ts";
import type { FeatureWeights } from "../../src/discovery/features.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { stem, terms, words } from "../../src/discovery/text.ts";
import { demoCatalog, entry } from "../helpers/catalog.ts";

describe("tokenizing", () => {
  it("should split snake_case and camelCase and drop stopwords", () => {
    expect(words("outlook__listMessages get-HTTPResponse")).toEqual([
      "outlook",
      "list",
      "messages",
      "get",
      "http",
      "response",
    ]);
    expect(terms("Please list the messages for me")).toEqual(["list", "messag"]);
  });

  it("should stem word forms onto one term", () => {
    expect(new Set(["create", "creating", "created", "creation", "creates"].map(stem)).size).toBe(1);
    expect(stem("entries")).toBe(stem("entry"));
    expect(stem("uploading")).toBe(stem("uploads"));
  });
});

describe("ToolSearch", () => {
  const catalog = demoCatalog();
  const search = new ToolSearch({ catalog });
  const top = (query: string, app?: string) => search.searchLexical({ query, app, k: 5 }).map((hit) => hit.id);

  it("should always rank an exact tool id first", () => {
    for (const id of [
      "outlook__list_messages",
      "gmail__send_message",
      "jira__transition_issue",
      "dropbox__get_temporary_link",
      "zendesk__merge_tickets",
    ]) {
      expect(top(id)[0]).toBe(id);
    }
  });

  it("should rank tools whose exact name was typed above every other match", () => {
    const hits = search.searchLexical({ query: "list_attachments", k: 10 });
    const exact = hits.filter((hit) => hit.id.endsWith("__list_attachments"));
    expect(exact.length).toBeGreaterThan(1);
    expect(hits.slice(0, exact.length).every((hit) => hit.id.endsWith("__list_attachments"))).toBe(true);
    expect(top("list messages", "outlook")[0]).toBe("outlook__list_messages");
  });

  it("should rank a request of several steps with the weights for several, and one step with the others", () => {
    const tools = new ToolCatalog();
    tools.setApp("office", [
      entry("office", "archive_thread", "Moves a thread to a folder, thread and folder alike."),
      entry("office", "send_report", "Sends the report."),
    ]);
    // Two weight sets that disagree: BM25 alone picks archive_thread, the name's share send_report.
    const byWords: FeatureWeights = { bm25: 1 };
    const byName: FeatureWeights = { name_cover_nouns: 1 };
    const first = (single: FeatureWeights, multi: FeatureWeights, query: string) =>
      new ToolSearch({ catalog: tools, weights: { lexical: { single, multi } } }).searchLexical({ query, k: 2 }, 0)[0]
        ?.id;
    const one = "move the thread to the folder and send the report";
    const several = "move the thread to the folder. Then send the report";
    expect(first(byWords, byName, one)).toBe("office__archive_thread");
    expect(first(byName, byWords, one)).toBe("office__send_report");
    expect(first(byWords, byName, several)).toBe("office__send_report");
    expect(first(byName, byWords, several)).toBe("office__archive_thread");
  });

  it("should keep a place on the first page for each step's own best tool, not only variants of one", () => {
    const tools = new ToolCatalog();
    const variants = [
      "move_thread",
      "move_folder",
      "thread_folder",
      "move_thread_folder",
      "folder_move",
      "thread_move",
    ];
    tools.setApp("office", [
      ...variants.map((name) => entry("office", name, "Moves a thread to a folder.")),
      entry("office", "send_report_pdf", "Sends the report as a PDF."),
    ]);
    // The whole request by the names' share: six variants cover their names fully, send_report_pdf two
    // thirds. Its step alone ("send the report") by BM25 finds send_report_pdf.
    const search = new ToolSearch({
      catalog: tools,
      weights: { lexical: { single: { bm25: 1 }, multi: { name_cover: 1 } } },
    });
    const ids = (query: string, k: number) => search.searchLexical({ query, k }, 0).map((hit) => hit.id);
    const several = "move the thread to the folder. Then send the report";
    const firstPage = ids(several, 5);
    expect(firstPage).toContain("office__send_report_pdf");
    expect(firstPage.filter((id) => id !== "office__send_report_pdf")).toEqual(ids(several, 10).slice(0, 4));
    expect(ids(several, 10)).toHaveLength(7);
    // It scores below every variant: the place is kept for it, not earned by the whole request's score.
    const hits = search.searchLexical({ query: several, k: 10 }, 0);
    const report = hits.find((hit) => hit.id === "office__send_report_pdf");
    expect(hits.filter((hit) => hit !== report).every((hit) => hit.score > (report?.score ?? Infinity))).toBe(true);
  });

  it("should keep an app-filtered search inside the app", () => {
    const ids = top("upload a file to a folder", "dropbox");
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith("dropbox__"))).toBe(true);
    expect(ids[0]).toBe("dropbox__upload_file");
  });

  it("should tell near-duplicate apps apart when the query names one", () => {
    expect(top("send an email with gmail")[0]).toBe("gmail__send_message");
    expect(top("list outlook messages")[0]).toBe("outlook__list_messages");
    expect(top("list gmail messages")[0]).toBe("gmail__list_messages");
    expect(top("upload file to google drive")[0]).toBe("google_drive__upload_file");
    expect(top("create a linear issue")[0]).toBe("linear__create_issue");
  });

  it("should return nothing for a query with no good match instead of noise", () => {
    expect(top("launch a rocket to mars")).toEqual([]);
    expect(top("quantum entanglement spectroscopy")).toEqual([]);
    // The threshold is what keeps the noise out: without it, a shared verb is enough to match.
    expect(top("send a rocket to mars")).toEqual([]);
    expect(search.searchLexical({ query: "send a rocket to mars" }, 0).length).toBeGreaterThan(0);
  });

  it("should follow catalog changes incrementally", () => {
    const small = new ToolCatalog();
    small.setApp("notes", [entry("notes", "create_note", "Create a note.")]);
    const local = new ToolSearch({ catalog: small });
    expect(local.searchLexical({ query: "archive old notes" })).toEqual([]);
    small.setApp("notes", [
      entry("notes", "create_note", "Create a note."),
      entry("notes", "archive_notes", "Archive old notes in bulk."),
    ]);
    expect(local.searchLexical({ query: "archive old notes" })[0]?.id).toBe("notes__archive_notes");
    small.setApp("notes", [entry("notes", "archive_notes", "Archive old notes in bulk.")]);
    expect(local.searchLexical({ query: "create_note" })).toEqual([]);
    small.setApp("notes", []);
    expect(small.hasApp("notes")).toBe(false);
    expect(local.searchLexical({ query: "archive_notes" })).toEqual([]);
  });
});
