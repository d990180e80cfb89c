/**
 * The elements' modules import in one direction: no file imports itself around a loop,
 * neither at run time (static or dynamic imports) nor through the types it names
 * (`import type`), so that the English strings do not need their own type's file to
 * need them, and the base class does not load one of its own subclasses. A circle is
 * where a change in one place starts costing two.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph as graphOf, loops as loopsOf, sources } from '../../../scripts/import-graph.mjs';

const src = join(import.meta.dirname, '..', 'src');
const importGraph = (options: { types?: boolean } = {}) => graphOf(src, options);
const loops = (graph: Map<string, string[]>) => loopsOf(graph, src);

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
