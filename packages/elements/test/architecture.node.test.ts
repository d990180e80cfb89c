/**
 * The elements' modules import in one direction: no file imports itself around a loop,
 * neither at run time (static or dynamic imports) nor through the types it names
 * (`import type`), so that the English strings do not need their own type's file to
 * need them, and the base class does not load one of its own subclasses. A circle is
 * where a change in one place starts costing two.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Each file's imports of other files of the package: `types` too, or only what runs. */
function importGraph({ types }: { types: boolean }): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    const imports: string[] = [];
    for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'/gm))
      if (types || !m[1]) imports.push(resolve(dirname(file), m[2] as string));
    for (const m of text.matchAll(/(typeof\s+)?import\('(\.[^']+)'\)/g))
      if (types || !m[1]) imports.push(resolve(dirname(file), m[2] as string));
    graph.set(file, imports);
  }
  return graph;
}

/** The loops of `graph` (strongly connected components of more than one file, or a file importing itself). */
function loops(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    onStack.add(file);
    for (const to of graph.get(file) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) as number, index.get(to) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.includes(file)) found.push(component);
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found.map((component) => component.map((file) => relative(src, file)).sort());
}

describe('the elements import in one direction', () => {
  it('has no loop of runtime imports', () => {
    expect(loops(importGraph({ types: false }))).toEqual([]);
  });

  it('has no loop through type imports either', () => {
    expect(loops(importGraph({ types: true }))).toEqual([]);
  });

  it('keeps <mfa-challenge> out of the base class (step-up.ts loads it)', () => {
    expect(readFileSync(join(src, 'base.ts'), 'utf8')).not.toMatch(/mfa-challenge/);
  });

  it('would see one (the check can fail)', () => {
    const a = join(src, 'a.ts');
    const b = join(src, 'b.ts');
    expect(
      loops(
        new Map([
          [a, [b]],
          [b, [a]],
        ]),
      ),
    ).toEqual([['a.ts', 'b.ts']]);
  });
});

describe('the elements are written in rooms of one sitting', () => {
  it('has no source file over 400 lines', () => {
    const long = sources(src)
      .map((file) => [relative(src, file), readFileSync(file, 'utf8').trimEnd().split('\n').length] as const)
      .filter(([, lines]) => lines > 400);
    expect(long).toEqual([]);
  });
});
