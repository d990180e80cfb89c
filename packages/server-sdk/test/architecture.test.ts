/**
 * The SDK's modules import in one direction: no file imports itself around a loop of
 * runtime imports (static or dynamic; type-only imports are erased and do not count), and
 * no file imports, even a type, from a floor above its own (`floors`). A circle is where a
 * change in one place starts costing two; an import upwards is where one starts.
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph as graphOf, loops as loopsOf } from '../../../scripts/import-graph.mjs';

const src = join(import.meta.dirname, '..', 'src');
const importGraph = (options: { types?: boolean } = {}) => graphOf(src, options);
const loops = (graph: Map<string, string[]>) => loopsOf(graph, src);

/**
 * The floors of the SDK, lowest first: a file imports only from its own floor or below.
 * A folder (`core/`) or a file (`model.ts`); the longest entry that holds a file gives its
 * floor. `attempts/settle.ts` is the back-off's pure rules, which every store runs inside its
 * settling transaction: it imports model.ts only and sits with it, below the store.
 */
const floors: Record<string, number> = {
  'model.ts': 0,
  'errors.ts': 0,
  'attempts/settle.ts': 0,
  'store/': 1,
  // The subscribers (webhooks, notifications) and their options' types: pure, below options.ts.
  'events/': 1,
  'crypto/': 1,
  'options.ts': 2,
  'testing/': 2,
  'sqlite.ts': 2,
  'postgres.ts': 2,
  'core/': 3,
  'attempts/': 4,
  'events/delivery.ts': 4,
  'policy/': 5,
  'factors/': 6,
  'devices/': 6,
  'challenge/': 7,
  'access/': 8,
  'rollout/': 8,
  'admin/': 9,
  'http/': 10,
  'create-mfa.ts': 11,
  'index.ts': 12,
};

/** The floor of a file (its path under src/), or `undefined` when no entry of `floors` holds it. */
function floorOf(path: string): number | undefined {
  const entry = Object.keys(floors)
    .filter((key) => path === key || (key.endsWith('/') && path.startsWith(key)))
    .sort((a, b) => b.length - a.length)[0];
  return entry === undefined ? undefined : floors[entry];
}

/** Every import of `graph` from a floor below the floor of what it imports, as `from → to`. */
function upwardImports(graph: Map<string, string[]>): string[] {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    const from = relative(src, file);
    for (const target of imports) {
      const to = relative(src, target);
      if ((floorOf(from) ?? -1) < (floorOf(to) ?? -1)) found.push(`${from} → ${to}`);
    }
  }
  return found.sort();
}

describe('the SDK imports in one direction', () => {
  it('has no loop of runtime imports', () => {
    expect(loops(importGraph())).toEqual([]);
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

  it('gives every file a floor', () => {
    const unplaced = [...importGraph().keys()]
      .map((file) => relative(src, file))
      .filter((path) => floorOf(path) === undefined);
    expect(unplaced).toEqual([]);
  });

  it('imports nothing from a higher floor, types included', () => {
    expect(upwardImports(importGraph({ types: true }))).toEqual([]);
  });

  it('has no loop of imports, types included', () => {
    expect(loops(importGraph({ types: true }))).toEqual([]);
  });

  it('would see an import from a higher floor (the check can fail)', () => {
    const policy = join(src, 'policy/policy.ts');
    const app = join(src, 'http/app.ts');
    const model = join(src, 'model.ts');
    expect(
      upwardImports(
        new Map([
          [policy, [app, model]],
          [app, [policy]],
        ]),
      ),
    ).toEqual(['policy/policy.ts → http/app.ts']);
  });
});
