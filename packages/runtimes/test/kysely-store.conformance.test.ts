/**
 * The store conformance suite on `kyselyStore` over better-sqlite3 in Node: the
 * store a host builds from its own Kysely instance (the SQLite store adds its
 * synchronous settling on top of the same statements).
 */
import { kyselyStore } from '@mfakit/server-sdk';
import { runStoreConformance } from '@mfakit/server-sdk/testing';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';

runStoreConformance('kyselyStore on better-sqlite3', () =>
  kyselyStore(new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) }), {
    dialect: 'sqlite',
  }),
);
