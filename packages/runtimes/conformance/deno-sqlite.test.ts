/**
 * The store conformance suite (`@mfakit/server-sdk/testing`) on Deno's node:sqlite
 * through kyselyStore, run by vitest under Deno.
 */
import { DatabaseSync } from 'node:sqlite';
import { kyselyStore } from '@mfakit/server-sdk';
import { runStoreConformance } from '@mfakit/server-sdk/testing';
import { Kysely, SqliteDialect } from 'kysely';
import { expect, it } from 'vitest';
import { nodeSqlite } from '../src/node-sqlite.ts';

runStoreConformance('node:sqlite (Deno)', () =>
  kyselyStore(
    new Kysely({ dialect: new SqliteDialect({ database: nodeSqlite(new DatabaseSync(':memory:')) }) }),
    {
      dialect: 'sqlite',
    },
  ),
);

it('runs in Deno', () => {
  expect(typeof (globalThis as { Deno?: unknown }).Deno).toBe('object');
});
