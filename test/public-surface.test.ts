import { describe, expect, it } from "vitest";
import * as discovery from "../src/discovery/index.ts";
import * as mcp from "../src/mcp/index.ts";
import * as sandbox from "../src/sandbox/index.ts";

/** What each folder offers is what its index lists; an accidental export shows up here. */
describe("public surface", () => {
  it("src/mcp offers the pool, config parsing, ids and unwrapping", () => {
    expect(Object.keys(mcp).sort()).toEqual([
      "IDEMPOTENCY_META_KEY",
      "McpPool",
      "ServerConnection",
      "assignToolIds",
      "isStdioServer",
      "loadMcpConfig",
      "mcpConfigSchema",
      "parseMcpConfig",
      "toIdentifier",
      "unwrapToolResult",
    ]);
  });

  it("src/sandbox offers the isolated runner and its helpers", () => {
    expect(Object.keys(sandbox).sort()).toEqual([
      "DEFAULT_SANDBOX_LIMITS",
      "IsolatedSandbox",
      "inferSchema",
      "mergeSchemas",
      "moduleExports",
      "referencedToolIds",
      "transpileModule",
      "transpileScript",
    ]);
  });

  it("src/discovery offers the catalog, search, meta-tools and eval", () => {
    expect(Object.keys(discovery).sort()).toEqual([
      "Bm25Index",
      "Discovery",
      "EmbeddingRetriever",
      "LocalEmbeddings",
      "MemoryVectorCache",
      "RedisVectorCache",
      "Similarities",
      "ToolCatalog",
      "ToolSearch",
      "VectorTable",
      "bm25Baseline",
      "declarationFor",
      "declarationsFor",
      "discoveryToolDefinitions",
      "entryFromTool",
      "evaluate",
      "loadFunctionsArgs",
      "paramsOf",
      "readQueriesFile",
      "readToolsFile",
      "searchFunctionsArgs",
      "stem",
      "terms",
      "typeOf",
      "words",
    ]);
  });
});
