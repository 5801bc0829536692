/** Why Teams would not take this card, against the Adaptive Card 1.5 rules codemem uses, or undefined. */
export function cardProblem(card: unknown): string | undefined {
  const c = card as { type?: string; version?: string; body?: unknown[]; fallbackText?: unknown };
  if (c.type !== "AdaptiveCard") return "not an AdaptiveCard";
  if (c.version !== "1.5") return `version ${c.version} (expected 1.5)`;
  if (!Array.isArray(c.body)) return "no body";
  if (typeof c.fallbackText !== "string") return "no fallbackText";
  const refresh = (card as { refresh?: { action?: Record<string, unknown>; userIds?: unknown } }).refresh;
  if (refresh !== undefined) {
    // Universal Actions: refresh is an Action.Execute, for at most 60 listed users.
    if (refresh.action?.type !== "Action.Execute" || typeof refresh.action.verb !== "string")
      return "refresh without an Action.Execute";
    if (
      !Array.isArray(refresh.userIds) ||
      refresh.userIds.length > 60 ||
      !refresh.userIds.every((id) => typeof id === "string")
    )
      return "refresh.userIds is not a list of at most 60 ids";
  }
  const bytes = Buffer.byteLength(JSON.stringify(card));
  if (bytes > 28_000) return `${bytes} bytes (Teams takes about 28 KB)`;
  const ids = new Set<string>();
  const targets: string[] = [];
  for (const element of c.body as Record<string, unknown>[]) {
    if (typeof element.id === "string") ids.add(element.id);
    switch (element.type) {
      case "TextBlock":
        if (typeof element.text !== "string") return "TextBlock without text";
        break;
      case "FactSet":
        if (!Array.isArray(element.facts)) return "FactSet without facts";
        break;
      case "Table": {
        // Adaptive Cards 1.5: columns, then rows of TableRow whose TableCells hold elements (ours: TextBlocks).
        const columns = element.columns as unknown[] | undefined;
        const rows = element.rows as {
          type?: string;
          cells?: { type?: string; items?: { type?: string; text?: unknown }[] }[];
        }[];
        if (!Array.isArray(columns) || columns.length === 0) return "Table without columns";
        for (const row of rows ?? []) {
          if (row.type !== "TableRow" || !Array.isArray(row.cells)) return "Table row that is not a TableRow";
          if (row.cells.length > columns.length) return "a TableRow with more cells than columns";
          for (const cell of row.cells)
            if (
              cell.type !== "TableCell" ||
              !(cell.items ?? []).every((item) => item.type === "TextBlock" && typeof item.text === "string")
            )
              return "a TableCell that is not TextBlocks";
        }
        break;
      }
      case "ActionSet":
        for (const action of element.actions as Record<string, unknown>[]) {
          if (action.type === "Action.Execute") {
            if (action.verb !== "codemem" || typeof action.data !== "object")
              return "Action.Execute without verb and data";
            const fallback = action.fallback as Record<string, unknown> | undefined;
            if (fallback?.type !== "Action.Submit") return "Action.Execute without an Action.Submit fallback";
          } else if (action.type === "Action.ToggleVisibility") {
            targets.push(...(action.targetElements as string[]));
          } else return `action type ${String(action.type)}`;
        }
        break;
      default:
        return `element type ${String(element.type)}`;
    }
  }
  const missing = targets.find((id) => !ids.has(id));
  return missing === undefined ? undefined : `ToggleVisibility target ${missing} is not in the card`;
}
