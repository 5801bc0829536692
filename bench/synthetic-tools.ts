import { CATALOG_APPS } from "../src/demo/catalog/apps.ts";
import { catalogTools } from "../src/demo/catalog/tools.ts";
import { paramsOf, ToolCatalog } from "../src/discovery/catalog.ts";
import type { CatalogEntry } from "../src/discovery/types.ts";

const PREFIXES = [
  "acme",
  "globex",
  "initech",
  "umbrella",
  "hooli",
  "vandelay",
  "stark",
  "wayne",
  "tyrell",
  "cyberdyne",
  "aperture",
  "soylent",
  "wonka",
  "oscorp",
  "massive",
  "nimbus",
  "zenith",
  "apex",
  "vertex",
  "quantum",
];
const SUFFIXES = ["cloud", "hub", "suite", "desk", "flow", "works", "base", "stack", "ly", "io"];

/**
 * A realistic registry of any size: the demo catalog's apps re-skinned under vendor names
 * (acme_gmail, globex_dropbox…), so descriptions, parameters and near-duplicates stay realistic.
 */
export function syntheticCatalog(size: number): { catalog: ToolCatalog; entries: CatalogEntry[] } {
  const catalog = new ToolCatalog();
  const entries: CatalogEntry[] = [];
  let made = 0;
  for (let round = 0; made < size; round++) {
    for (const app of CATALOG_APPS) {
      if (made >= size) break;
      const vendor = `${PREFIXES[round % PREFIXES.length]}${round >= PREFIXES.length ? SUFFIXES[Math.floor(round / PREFIXES.length) % SUFFIXES.length] : ""}${round >= PREFIXES.length * SUFFIXES.length ? round : ""}`;
      const appId = `${vendor}_${app.id}`;
      const tools = catalogTools(app).slice(0, size - made);
      const appEntries: CatalogEntry[] = tools.map((tool) => {
        return {
          id: `${appId}__${tool.name}`,
          app: appId,
          name: tool.name,
          title: tool.title,
          description: `${tool.description ?? ""} (${vendor} edition)`,
          params: paramsOf(tool.inputSchema as CatalogEntry["inputSchema"]),
          kind: "tool",
          readOnly: tool.annotations?.readOnlyHint === true,
          destructive: tool.annotations?.destructiveHint === true,
          inputSchema: tool.inputSchema as CatalogEntry["inputSchema"],
        };
      });
      catalog.setApp(appId, appEntries, `${app.summary} (${vendor})`);
      entries.push(...appEntries);
      made += appEntries.length;
    }
  }
  return { catalog, entries };
}

/** Task-shaped queries of the kind people type into a chat thread. */
export const BENCH_QUERIES = [
  "list unread emails from last week with attachments",
  "download attachment from message",
  "upload a pdf invoice to a folder",
  "create folder for each customer",
  "create a jira issue for this bug",
  "post a message to the team channel",
  "schedule a meeting with the sales team next tuesday",
  "find free time for three people",
  "add a row to the tracking spreadsheet",
  "create invoice for customer and send it",
  "list overdue invoices",
  "search contacts by company domain",
  "move deal to closed won",
  "open a support ticket for a customer",
  "who is on call right now",
  "acknowledge the incident",
  "list orders that are not fulfilled",
  "send document for signature",
  "get meeting transcript",
  "query error logs for the payment service",
  "share a file with an external partner",
  "list_messages",
  "gmail send message",
  "create a draft reply",
  "export the spreadsheet as csv",
];
