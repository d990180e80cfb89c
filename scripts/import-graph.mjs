// The import graph of a package's source, and its loops: what the architecture tests of
// @mfakit/server-sdk and @mfakit/elements check (no circle; the SDK's floors).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every source file under `folder` (tests left out). */
export function sources(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Each file's imports of other files under `src`: what runs (static and dynamic imports),
 * and with `types` what it names only as a type too (`import type`, `typeof import()`).
 */
export function importGraph(src, { types = false } = {}) {
  const graph = new Map();
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const imports = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm))
      if (types || !m[1]) imports.push(resolve(dirname(file), m[2]));
    for (const m of text.matchAll(/(typeof\s+)?import\('(\.[^']+)'\)/g))
      if (types || !m[1]) imports.push(resolve(dirname(file), m[2]));
    graph.set(file, imports);
  }
  return graph;
}

/**
 * The loops of `graph` (strongly connected components of more than one file, or a file
 * importing itself), each as its files' paths relative to `src`, sorted.
 */
export function loops(graph, src) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  const visit = (file) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const to of graph.get(file) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file), low.get(to)));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file), index.get(to)));
    }
    if (low.get(file) !== index.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found.map((component) => component.map((file) => relative(src, file)).sort());
}
