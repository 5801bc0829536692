import type { LoadFunctionsResult, SearchFunctionsResult } from "./meta-tools.ts";

/**
 * What the model reads back from search_functions and load_functions: plain lines, not JSON. The
 * order of the hits is their rank, so scores are left out; the app is in every id. JSON's quotes,
 * keys and escaped newlines cost about as many tokens as the descriptions they wrap.
 *
 * A tool already loaded is named only: its declaration is pinned under LOADED TOOLS on every call. So
 * is a tool a request before it in the same answer described. A search's answer may be compacted
 * later, so a tool another answer described is described again.
 */
export function searchResultText(result: SearchFunctionsResult, loaded: ReadonlySet<string> = new Set()): string {
  const described = new Set<string>();
  return result.results
    .map((request) => {
      const scope = request.app_id === undefined ? "" : ` in ${request.app_id}`;
      const hits = request.groups.flatMap((group) => group.tools);
      const lines = hits.map((tool) => {
        if (loaded.has(tool.id)) return `- ${tool.id} (loaded)`;
        if (described.has(tool.id)) return `- ${tool.id} (above)`;
        described.add(tool.id);
        return `- ${tool.id}${tool.access ? ` (${tool.access})` : ""}: ${tool.description}`;
      });
      return [`"${request.query}"${scope}:`, ...lines, ...(request.note === undefined ? [] : [request.note])].join(
        "\n",
      );
    })
    .join("\n");
}

/**
 * The declarations themselves are not repeated here: the prompt pins every loaded tool's declaration
 * (LOADED TOOLS) on each call, so the model would otherwise read them twice per call from then on.
 */
export function loadResultText(result: LoadFunctionsResult): string {
  const lines: string[] = [];
  // The ids of several are in their declarations; naming them again here costs a line of tokens.
  const what = result.loaded.length === 1 ? result.loaded[0] : `${result.loaded.length} tools`;
  if (result.loaded.length > 0) lines.push(`loaded ${what}: declared under LOADED TOOLS`);
  if (result.alreadyLoaded.length > 0) lines.push(`already loaded: ${result.alreadyLoaded.join(", ")}`);
  for (const unknown of result.unknown) {
    const near = unknown.suggestions.length > 0 ? ` (did you mean ${unknown.suggestions.join(", ")}?)` : "";
    lines.push(`unknown id ${unknown.id}${near}`);
  }
  return lines.join("\n");
}
