import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
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
  // First, so that the other pragmas wait for a process that holds the file too.
  database.pragma('busy_timeout = 5000');
  enableWal(database);
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return kyselyStore(db, 'sqlite', () => db.destroy());
}

/**
 * Two processes switching a new file to WAL at once can deadlock in rollback mode;
 * SQLite then answers SQLITE_BUSY to one of them without waiting for busy_timeout,
 * so that one waits a moment and tries again (sqliteStore is synchronous, hence Atomics.wait).
 */
function enableWal(database: Database.Database): void {
  for (let attempt = 1; ; attempt++) {
    try {
      database.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (attempt >= 50 || (error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Kysely's SQLite driver prepares every statement it runs; preparing costs about
 * as much as running one. The store runs the same few statements over and over,
 * so each is prepared once here and reused (a better-sqlite3 statement runs to
 * completion synchronously, so reusing one between calls is safe). Statements
 * whose text varies (lists of ids of every length) are bounded by `size`.
 */
function withStatementCache(database: Database.Database, size = 256): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
