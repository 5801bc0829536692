import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Every module specifier a file imports or re-exports (static, type-only and dynamic). */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/(?:^|\s)(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/gm),
  ].map((match) => (match[1] ?? match[2]) as string);
}

/** The files of ours a file imports, resolved. */
function localImports(file: string): string[] {
  return imports(file)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => resolve(dirname(file), spec))
    .filter((path) => existsSync(path));
}

/** The strongly connected parts of a graph with more than one node (Tarjan): each is a cycle. */
function cycles(nodes: readonly string[], next: (node: string) => readonly string[]): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const other of next(node)) {
      if (!index.has(other)) {
        visit(other);
        low.set(node, Math.min(low.get(node) as number, low.get(other) as number));
      } else if (onStack.has(other)) low.set(node, Math.min(low.get(node) as number, index.get(other) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const part: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      part.push(member);
    } while (member !== node);
    if (part.length > 1) found.push(part.map((path) => relative(ROOT, path)).sort());
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return found;
}

const FILES = ["src", "adapters", "bench", "scripts"].flatMap((dir) => sources(join(ROOT, dir)));
const GRAPH = new Map(FILES.map((file) => [file, localImports(file)]));

/** `src/<folder>` for a file of a folder of src, else the file itself (src/errors.ts is a module of its own). */
const srcRoom = (file: string): string => {
  const parts = relative(join(ROOT, "src"), file).split("/");
  return parts.length > 1 ? join(ROOT, "src", parts[0] as string) : file;
};

describe("the spine points one way", () => {
  it("should keep src/ free of imports from adapters/", () => {
    const offenders = sources(join(ROOT, "src")).flatMap((file) =>
      imports(file)
        .filter((spec) => /(^|\/)adapters(\/|$)/.test(spec))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("should keep src/ui at the bottom: it imports nothing of ours outside itself", () => {
    const offenders = sources(join(ROOT, "src", "ui")).flatMap((file) =>
      imports(file)
        .filter((spec) => spec.startsWith(".."))
        .map((spec) => `${relative(ROOT, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it("should have no import cycle between files, type-only imports counted", () => {
    expect(cycles(FILES, (file) => GRAPH.get(file) ?? [])).toEqual([]);
  });

  it("should have no cycle between the folders of src/ (each room depends on rooms below it)", () => {
    const rooms = new Map<string, Set<string>>();
    for (const [file, targets] of GRAPH) {
      if (!file.startsWith(join(ROOT, "src"))) continue;
      const from = srcRoom(file);
      for (const target of targets) {
        const to = srcRoom(target);
        if (to === from) continue;
        rooms.set(from, (rooms.get(from) ?? new Set()).add(to));
      }
    }
    expect(cycles([...rooms.keys()], (room) => [...(rooms.get(room) ?? [])])).toEqual([]);
  });

  it("should find the imports and the cycles it checks (the scan itself works)", () => {
    expect(imports(join(ROOT, "src", "core", "bot.ts"))).toContain("../agent/session.ts");
    expect(localImports(join(ROOT, "src", "core", "bot.ts"))).toContain(join(ROOT, "src", "agent", "session.ts"));
    const loop: Record<string, string[]> = { a: ["b"], b: ["c"], c: ["a"], d: ["a"] };
    expect(cycles(Object.keys(loop), (node) => loop[node] ?? []).map((part) => part.length)).toEqual([3]);
  });
});
