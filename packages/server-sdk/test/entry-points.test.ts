/**
 * The SDK's root entry runs on any runtime with `node:crypto` (Node, Bun, Deno,
 * Workers with `nodejs_compat`): nothing it reaches imports another Node module,
 * better-sqlite3 or pg. The Node stores are entries of their own, and their
 * drivers are the host's to install (optional peer dependencies): importing an
 * entry loads none of them, and `node:sqlite` is asked of the runtime only when a
 * store uses it, so the entries import on Node 20, which has no `node:sqlite`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** The bare specifiers (packages, `node:` modules) that `entry` reaches through its relative imports. */
function packagesReachedFrom(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    // Static and dynamic imports and re-exports; `import type` never reaches the runtime.
    for (const [, typeOnly, specifier] of text.matchAll(
      /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
    )) {
      if (!specifier || typeOnly) continue;
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(join(SRC, entry));
  return packages;
}

describe('entry points', () => {
  it('the root reaches no Node module but node:crypto, and neither better-sqlite3 nor pg', () => {
    const reached = [...packagesReachedFrom('index.ts')];
    expect(reached.filter((p) => p.startsWith('node:'))).toEqual(['node:crypto']);
    expect(reached).not.toContain('better-sqlite3');
    expect(reached).not.toContain('pg');
    expect(reached).toContain('kysely');
  });

  it('loads @simplewebauthn/server, and the reflect-metadata polyfill before it, only when a WebAuthn ceremony runs', () => {
    // Imported with the SDK, a Worker's bundle could run tsyringe's polyfill check first and
    // fail at start-up (src/factors/webauthn/library.ts): no static import may reach them.
    const reached = packagesReachedFrom('index.ts');
    expect(reached).not.toContain('@simplewebauthn/server');
    expect(reached).not.toContain('reflect-metadata');
    expect(readFileSync(join(SRC, 'factors/webauthn/library.ts'), 'utf8')).toMatch(
      /import\('reflect-metadata'\)\s*\.then\(\(\) => import\('@simplewebauthn\/server'\)\)/,
    );
  });

  it('the Node stores are their own entries, which import no driver', () => {
    for (const entry of ['sqlite.ts', 'postgres.ts']) {
      const reached = [...packagesReachedFrom(entry)];
      expect(reached, entry).toContain('kysely');
      expect(reached, entry).not.toContain('better-sqlite3');
      expect(reached, entry).not.toContain('pg');
      expect(reached, entry).not.toContain('node:sqlite');
    }
  });

  it('the package leaves the drivers to the host: optional peer dependencies, no dependency', () => {
    const pkg = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8'));
    for (const driver of ['better-sqlite3', 'pg']) {
      expect(pkg.dependencies[driver], driver).toBeUndefined();
      expect(pkg.dependencies[`@types/${driver}`], driver).toBeUndefined();
      expect(pkg.peerDependencies[driver], driver).toBeDefined();
      expect(pkg.peerDependenciesMeta[driver], driver).toEqual({ optional: true });
    }
  });
});
