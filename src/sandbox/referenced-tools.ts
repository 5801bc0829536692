/**
 * Tool ids a script names as `tools.app__tool` or `tools["app__tool"]`. Used to connect only the
 * apps a script needs and, later, to check a proposed skill calls nothing it did not probe.
 */
export function referencedToolIds(code: string): string[] {
  const ids = new Set<string>();
  for (const match of code.matchAll(/\btools\s*(?:\?\.|\.)\s*([A-Za-z_$][\w$]*)/g)) ids.add(match[1] as string);
  for (const match of code.matchAll(/\btools\s*(?:\?\.)?\s*\[\s*(["'`])([A-Za-z_$][\w$]*)\1\s*\]/g))
    ids.add(match[2] as string);
  return [...ids].sort();
}
