/**
 * The store conformance suite (`@mfakit/server-sdk/testing`) on bun:sqlite through
 * kyselyStore, run by `bun test` (its vitest API mapped onto bun:test by the preload).
 */
import { Database } from 'bun:sqlite';
import { kyselyStore } from '@mfakit/server-sdk';
import { runStoreConformance } from '@mfakit/server-sdk/testing';
import { Kysely } from 'kysely';
import { BunSqliteDialect } from 'kysely-bun-sqlite';
import { expect, it } from 'vitest';

runStoreConformance('bun:sqlite', () =>
  kyselyStore(new Kysely({ dialect: new BunSqliteDialect({ database: new Database(':memory:') }) }), {
    dialect: 'sqlite',
  }),
);

it('runs in Bun', () => {
  expect(typeof (globalThis as { Bun?: unknown }).Bun).toBe('object');
});
