// The import graph of the project's own TypeScript: every relative import, type-only and dynamic ones included.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

/** file -> the files it imports, both as paths relative to the repository root. */
export type ImportGraph = Map<string, string[]>;

// `import x from "./a.ts"`, `import type { T } from`, `export { x } from`, `import "./a.ts"`, `import("./a.ts")`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** The relative imports of one source text, resolved against its file. */
export function importsOf(file: string, text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((match) => normalize(join(dirname(file), match[1]!)));
}

function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(root, path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The graph of every .ts file under `dirs` of `root`. */
export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of dirs.flatMap((dir) => tsFiles(root, dir))) {
    graph.set(file, importsOf(file, readFileSync(join(root, file), "utf8")));
  }
  return graph;
}

/** Every import cycle, each as the files around it (the first repeated at the end); none is []. */
export function findCycles(graph: ImportGraph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** The imports that break `rule`: `from` files (by prefix) must not import `to` files (by prefix). */
export function forbiddenImports(
  graph: ImportGraph,
  from: string,
  to: readonly string[],
  except: readonly string[] = [],
): string[] {
  const broken: string[] = [];
  for (const [file, imports] of graph) {
    if (!file.startsWith(from)) continue;
    for (const target of imports) {
      if (to.some((prefix) => target.startsWith(prefix)) && !except.includes(target))
        broken.push(`${file} -> ${target}`);
    }
  }
  return broken;
}
