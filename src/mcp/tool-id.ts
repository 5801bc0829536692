/**
 * Tool ids are `app__tool` and must be valid JS identifiers, because sandboxed code calls them as
 * `tools.app__tool(args)`. Other characters become `_`; a name that then collides gets `_2`, `_3`…
 * in the order of the server's original names, so ids are stable across restarts.
 */
export function toIdentifier(name: string): string {
  const replaced = name.replace(/[^A-Za-z0-9_$]/g, "_");
  return /^[0-9]/.test(replaced) || replaced === "" ? `_${replaced}` : replaced;
}

/** Maps each original tool name of one app to its unique id. */
export function assignToolIds(appId: string, names: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const sorted = [...new Set(names)].sort();
  // Names that are already identifiers keep their id; the rest are fitted around them.
  for (const name of sorted) {
    const base = `${appId}__${toIdentifier(name)}`;
    if (toIdentifier(name) === name && !taken.has(base)) {
      ids.set(name, base);
      taken.add(base);
    }
  }
  for (const name of sorted) {
    if (ids.has(name)) continue;
    const base = `${appId}__${toIdentifier(name)}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    ids.set(name, id);
    taken.add(id);
  }
  return ids;
}
