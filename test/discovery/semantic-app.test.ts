import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestConsoleApp, type TestConsoleApp } from "../helpers/app.ts";
import { waitFor } from "../helpers/demo.ts";

/** The default a user gets from `codemem start`: the local model ranks the demo registry's tools. */
describe("an app with the local embedding model (CODEMEM_SEMANTIC=local, the default)", () => {
  let app: TestConsoleApp;
  beforeAll(async () => {
    app = await startTestConsoleApp({ CODEMEM_SEMANTIC: "local" });
  });
  afterAll(async () => {
    await app?.close();
  });

  const stored = async () => {
    let count = 0;
    let cursor = "0";
    do {
      const [next, keys] = await app.app.redis.scan(cursor, "MATCH", `${app.env.CODEMEM_PREFIX}:emb:*`, "COUNT", 1000);
      cursor = next;
      count += keys.length;
    } while (cursor !== "0");
    return count;
  };

  it("should embed every tool into the app's Redis in the background, then rank with it", async () => {
    const tools = app.app.discovery.catalog.size;
    // Search answers at once while the registry is still being embedded: on words alone.
    const words = await app.app.discovery.search.search({ query: "upload a file to onedrive", k: 1 });
    expect(words[0]?.id).toBe("onedrive__upload_file");
    await waitFor(async () => (await stored()) >= tools, 120_000);
    const signal = await app.app.discovery.search.similaritiesFor("who is on call right now");
    expect(signal?.whole.size).toBe(tools);
    const hits = await app.app.discovery.search.search({ query: "who is on call right now", k: 3 });
    expect(hits).toHaveLength(3);
    expect(hits.every((hit) => hit.id.endsWith("__get_on_call"))).toBe(true);
  }, 150_000);
});
