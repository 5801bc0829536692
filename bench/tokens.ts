import { Tiktoken } from "js-tiktoken/lite";
import o200k from "js-tiktoken/ranks/o200k_base";
import { Composition } from "../src/compose/composition.ts";
import { loadConfig } from "../src/config/load.ts";
import { Discovery, discoveryToolDefinitions } from "../src/discovery/meta-tools.ts";
import { loadResultText, searchResultText } from "../src/discovery/model-text.ts";
import { silentLogger } from "../src/ops/logger.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Prompt tokens for the seed's running example (Outlook → OneDrive) over the demo registry: every tool
 * schema in the prompt, against the app list + meta-tools + the searches the agent makes + the tools it
 * loads (pinned as declarations), each as the model reads it. Counted with o200k_base (GPT-4o / GPT-4.1 / GPT-5 family).
 */
export async function benchTokens(): Promise<void> {
  const encoder = new Tiktoken(o200k);
  const count = (value: unknown) => encoder.encode(typeof value === "string" ? value : JSON.stringify(value)).length;
  const home = mkdtempSync(join(tmpdir(), "codemem-bench-tokens-"));
  // The demo registry as `npm start` serves it; ranking on words (the figure is the text, not the ranker).
  const core = new Composition({
    config: loadConfig({ env: { CODEMEM_HOME: home, CODEMEM_SEMANTIC: "off" }, cwd: home }),
    log: silentLogger,
  });
  try {
    const { catalog, search } = await core.discovery();
    const tools = await (await core.mcp()).pool.listTools();
    const loadAll = count(
      tools.map((tool) => ({
        type: "function",
        function: { name: tool.id, description: tool.description, parameters: tool.inputSchema },
      })),
    );
    const discovery = new Discovery({ catalog, search });
    // The searches of the paper's trace, including its refinement, and the tools it loads.
    const first = await discovery.searchFunctions({
      requests: [
        { query: "fetch emails download attachment", app_id: "outlook" },
        { query: "create folder upload file list items", app_id: "onedrive" },
      ],
    });
    const refine = await discovery.searchFunctions({
      requests: [{ query: "list messages get emails", app_id: "outlook" }],
    });
    const loaded = discovery.loadFunctions({
      ids: [
        "outlook__list_messages",
        "outlook__list_attachments",
        "outlook__get_attachment",
        "onedrive__list_children",
        "onedrive__create_folder",
        "onedrive__upload_file",
      ],
    });
    const dynamic =
      count(discovery.appList()) +
      count(discoveryToolDefinitions()) +
      count(searchResultText(first)) +
      count(searchResultText(refine)) +
      count(loadResultText(loaded)) +
      count(loaded.declarations);
    process.stdout.write(
      `${JSON.stringify({ bench: "tokens", tools: tools.length, load_all: loadAll, dynamic, ratio: Math.round((dynamic / loadAll) * 10000) / 10000, tokenizer: "js-tiktoken o200k_base" })}\n`,
    );
  } finally {
    await core.close();
    rmSync(home, { recursive: true, force: true });
  }
}
