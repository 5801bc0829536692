import { CATALOG_APPS } from "../../src/demo/catalog/apps.ts";
import { catalogTools } from "../../src/demo/catalog/tools.ts";
import { paramsOf, ToolCatalog } from "../../src/discovery/catalog.ts";
import type { CatalogEntry } from "../../src/discovery/types.ts";

/** The demo catalog plus hand-written outlook/onedrive entries, without starting servers. */
export function demoCatalog(apps = CATALOG_APPS.map((app) => app.id)): ToolCatalog {
  const catalog = new ToolCatalog();
  for (const app of CATALOG_APPS.filter((candidate) => apps.includes(candidate.id))) {
    catalog.setApp(
      app.id,
      catalogTools(app).map((tool) =>
        entry(
          app.id,
          tool.name,
          tool.description ?? "",
          tool.annotations?.readOnlyHint === true,
          tool.inputSchema as CatalogEntry["inputSchema"],
        ),
      ),
      app.summary,
    );
  }
  catalog.setApp(
    "outlook",
    [
      entry("outlook", "list_messages", "List messages in the signed-in user's Outlook mailbox, newest first.", true),
      entry("outlook", "get_attachment", "Download one attachment of an Outlook message.", true),
      entry("outlook", "list_attachments", "List the attachments of an Outlook message.", true),
    ],
    "Outlook mail",
  );
  return catalog;
}

export function entry(
  app: string,
  name: string,
  description: string,
  readOnly = false,
  inputSchema: CatalogEntry["inputSchema"] = { type: "object", properties: {} },
): CatalogEntry {
  return {
    id: `${app}__${name}`,
    app,
    name,
    description,
    params: paramsOf(inputSchema),
    kind: "tool",
    readOnly,
    destructive: !readOnly && name.startsWith("delete"),
    inputSchema,
  };
}
