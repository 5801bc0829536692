import { describe, expect, it } from "vitest";
import { EmbeddingRetriever } from "../../src/discovery/embeddings.ts";
import { LOCAL_EMBEDDING_MODEL, LocalEmbeddings } from "../../src/discovery/local-embeddings.ts";
import { ToolSearch } from "../../src/discovery/search.ts";
import { demoCatalog } from "../helpers/catalog.ts";

const cosine = (a: number[], b: number[]) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * (b[i] as number);
    na += x * x;
    nb += (b[i] as number) ** 2;
  });
  return dot / Math.sqrt(na * nb);
};

describe("the local embedding model", () => {
  it("should embed on the CPU from the weights in its package (its thread has no network)", async () => {
    const model = new LocalEmbeddings();
    const { data } = await model.create({
      model: LOCAL_EMBEDDING_MODEL,
      input: ["send an email to my manager", "Send an email message", "Delete a calendar event"],
    });
    expect(data.map((item) => item.index)).toEqual([0, 1, 2]);
    const [query, email, calendar] = data.map((item) => item.embedding) as [number[], number[], number[]];
    expect(query).toHaveLength(512);
    expect(cosine(query, email)).toBeGreaterThan(cosine(query, calendar) + 0.1);
    // The same text gives the same vector (vectors are cached by content).
    const again = await model.create({ model: LOCAL_EMBEDDING_MODEL, input: ["send an email to my manager"] });
    expect(cosine(again.data[0]?.embedding as number[], query)).toBeCloseTo(1, 5);
  }, 60_000);

  it("should find a tool whose words the request does not use", async () => {
    const catalog = demoCatalog(["gmail", "slack", "dropbox", "jira", "google_calendar"]);
    const dense = new EmbeddingRetriever({ api: new LocalEmbeddings(), model: LOCAL_EMBEDDING_MODEL });
    const search = new ToolSearch({ catalog, dense });
    const words = new ToolSearch({ catalog });
    expect(words.searchLexical({ query: "write to my boss", k: 3 }, 0)).toEqual([]);
    const hits = await search.search({ query: "write to my boss", k: 3 }, 0);
    expect(hits[0]?.id).toBe("gmail__send_message");
  }, 60_000);

  it("should rank on words alone while a fresh registry is still being embedded, when asked not to wait", async () => {
    const catalog = demoCatalog(["gmail", "slack"]);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = {
      create: async (params: { model: string; input: string[] }) => {
        await gate;
        return { data: params.input.map((_, index) => ({ embedding: [1, 0], index })) };
      },
    };
    const dense = new EmbeddingRetriever({ api: slow, model: "slow", waitForUpdates: false });
    const search = new ToolSearch({ catalog, dense });
    expect(await dense.similarities(["send a message"])).toEqual([]);
    const words = new ToolSearch({ catalog });
    const hits = await search.search({ query: "send a slack message", k: 3 });
    expect(hits.length).toBeGreaterThan(0);
    expect(hits).toEqual(words.searchLexical({ query: "send a slack message", k: 3 }));
    release();
    await dense.update([], []);
    expect((await dense.similarities(["send a message"]))[0]?.size).toBe(catalog.size);
  });
});
