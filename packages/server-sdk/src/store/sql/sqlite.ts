import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { MfaStore } from '../store.ts';
import { kyselyStore } from './kysely-store.ts';
import type { Database as Schema } from './schema.ts';

export interface SqliteStoreOptions {
  /** Path of the database file (its folder is created), or `':memory:'`. */
  filename?: string;
  /** An open better-sqlite3 database to use instead of `filename`. */
  database?: Database.Database;
}

/**
 * The embedded default store: SQLite through better-sqlite3, in WAL mode so that
 * readers never wait for the writer. Tables are created on first use.
 *
 * @param options.filename the database file, default `mfa.db`
 * @example
 * createMfa({ store: sqliteStore({ filename: 'data/mfa.db' }), ... });
 */
export function sqliteStore(options: SqliteStoreOptions = {}): MfaStore {
  const filename = options.filename ?? 'mfa.db';
  if (!options.database && filename !== ':memory:' && !filename.startsWith('file:')) {
    mkdirSync(dirname(filename), { recursive: true });
  }
  const database = options.database ?? new Database(filename);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database }) });
  return kyselyStore(db, 'sqlite', () => db.destroy());
}
