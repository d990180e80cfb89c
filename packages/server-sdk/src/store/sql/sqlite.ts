import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { MfaConfigError } from '../../errors.ts';
import type { MfaStore } from '../store.ts';
import { sqliteSyncEngine } from './engines/sqlite-sync.ts';
import { sqlStore } from './kysely-store.ts';
import { builtinSqlite, type NodeSqliteDatabase, nodeSqliteStatement } from './node-sqlite.ts';
import type { Database as Schema } from './schema.ts';

export type { NodeSqliteDatabase } from './node-sqlite.ts';

/** How long a statement waits for another connection's lock. */
const BUSY_TIMEOUT_MS = 5000;

/** Which SQLite runs the embedded store. */
export type SqliteDriver = 'better-sqlite3' | 'node:sqlite';

/** What the store uses of a better-sqlite3 `Database` (an optional peer dependency, typed by what it is). */
export interface BetterSqlite3Database {
  pragma(source: string): unknown;
  exec(source: string): unknown;
  prepare(source: string): SqliteStatement & { get(...parameters: unknown[]): unknown };
  close(): unknown;
}

export interface SqliteStoreOptions {
  /** Path of the database file (its folder is created), or `':memory:'`. */
  filename?: string;
  /**
   * `'better-sqlite3'` (install it: a native addon, Node 20 and later) or
   * `'node:sqlite'` (built into Node ≥ 22.13: nothing to install). Left out:
   * better-sqlite3 when it is installed, else node:sqlite when the runtime has it.
   */
  driver?: SqliteDriver;
  /** An open database to use instead of `filename`: a better-sqlite3 `Database` or a node:sqlite `DatabaseSync`. */
  database?: BetterSqlite3Database | NodeSqliteDatabase;
}

/**
 * The embedded default store: SQLite in one file, in WAL mode so that readers
 * never wait for the writer, through better-sqlite3 or Node's built-in
 * `node:sqlite` (Node ≥ 22.13), whichever the host has. Tables are created on
 * first use.
 *
 * @param options.filename the database file, default `mfa.db`
 * @param options.driver `'better-sqlite3'` or `'node:sqlite'`; default: better-sqlite3 when installed, else node:sqlite
 * @throws MfaConfigError when neither driver is there (it names the package to install)
 * @example
 * createMfa({ store: sqliteStore({ filename: 'data/mfa.db' }), ... });
 * // On Node ≥ 22.13, with nothing installed:
 * createMfa({ store: sqliteStore({ filename: 'data/mfa.db', driver: 'node:sqlite' }), ... });
 */
export function sqliteStore(options: SqliteStoreOptions = {}): MfaStore {
  const connection = openConnection(options);
  // First, so that the other pragmas wait for a process that holds the file too.
  connection.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  enableWal(connection);
  connection.exec('PRAGMA synchronous = NORMAL');
  const statements = withStatementCache(connection);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: statements }) });
  // Every atomic write is one synchronous `BEGIN IMMEDIATE` transaction on the connection:
  // with no Kysely transaction left on it, nothing of this process can run in between.
  return sqlStore(db, 'sqlite', () => db.destroy(), {
    engine: (ready) =>
      sqliteSyncEngine(
        db,
        { prepare: (sql) => statements.prepare(sql), tryBegin: () => tryBegin(connection) },
        ready,
      ),
  });
}

/** A statement as Kysely's SQLite driver runs it, with `get` for the synchronous path. */
type Statement = SqliteStatement & { get(parameters: readonly unknown[]): unknown };

/** The database Kysely's SQLite driver runs, each statement prepared once. */
interface StatementCache extends SqliteDatabase {
  prepare(sql: string): Statement;
}

/** The one SQLite connection of the store, whichever driver holds it. */
interface Connection {
  /** Runs SQL whose answer is not needed (pragmas, BEGIN, COMMIT). */
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

/** The driver's connection to the file the options name, or to the database they pass. */
function openConnection(options: SqliteStoreOptions): Connection {
  const given = options.database;
  if (given) return 'pragma' in given ? betterSqlite3Connection(given) : nodeSqliteConnection(given);
  const filename = options.filename ?? 'mfa.db';
  const driver =
    options.driver ?? (betterSqlite3() ? 'better-sqlite3' : builtinSqlite() ? 'node:sqlite' : null);
  if (driver !== null && driver !== 'better-sqlite3' && driver !== 'node:sqlite') {
    throw new MfaConfigError(
      `sqliteStore: \`driver\` is 'better-sqlite3' or 'node:sqlite', not ${String(driver)}.`,
    );
  }
  const open = (make: (filename: string) => Connection) => {
    if (filename !== ':memory:' && !filename.startsWith('file:'))
      mkdirSync(dirname(filename), { recursive: true });
    return make(filename);
  };
  if (driver === 'node:sqlite') {
    const sqlite = builtinSqlite();
    if (!sqlite) {
      throw new MfaConfigError(
        `sqliteStore: this runtime has no node:sqlite (Node ${process.versions.node}; it is built into Node 22.13 and later). ` +
          "Install better-sqlite3 (npm install better-sqlite3) and pass `driver: 'better-sqlite3'`, or run a newer Node.",
      );
    }
    return open((file) => nodeSqliteConnection(new sqlite.DatabaseSync(file)));
  }
  const Database = betterSqlite3();
  if (!Database) {
    throw new MfaConfigError(
      `sqliteStore needs the package better-sqlite3 on Node ${process.versions.node}: npm install better-sqlite3 ` +
        "(Node 22.13 and later have node:sqlite built in: `driver: 'node:sqlite'`, nothing to install).",
    );
  }
  return open((file) => {
    try {
      return betterSqlite3Connection(new Database(file));
    } catch (error) {
      // Most often an addon built for another Node (NODE_MODULE_VERSION): its own message says which.
      const problem = new MfaConfigError(
        `sqliteStore: better-sqlite3 is installed but could not open ${file}: ${(error as Error).message} ` +
          "(rebuild it for this Node with npm rebuild better-sqlite3, or pass `driver: 'node:sqlite'` on Node 22.13 and later).",
      );
      throw Object.assign(problem, { cause: error });
    }
  });
}

/**
 * better-sqlite3's Database class when the host installed it, else undefined
 * (an optional peer dependency: loaded when a store is made, never when the
 * entry is imported). Failures other than its absence are the host's to see.
 */
function betterSqlite3(): (new (filename: string) => BetterSqlite3Database) | undefined {
  try {
    return createRequire(import.meta.url)('better-sqlite3');
  } catch (error) {
    const { code, message } = error as { code?: unknown; message?: string };
    if (code === 'MODULE_NOT_FOUND' && message?.includes("'better-sqlite3'")) return undefined;
    throw error;
  }
}

/** better-sqlite3's statements already run as Kysely's driver and the synchronous path expect. */
function betterSqlite3Connection(database: BetterSqlite3Database): Connection {
  return {
    exec: (sql) => void database.exec(sql),
    prepare: (sql) => database.prepare(sql),
    close: () => void database.close(),
  };
}

function nodeSqliteConnection(database: NodeSqliteDatabase): Connection {
  return {
    exec: (sql) => database.exec(sql),
    prepare: (sql) => nodeSqliteStatement(database, sql),
    close: () => database.close(),
  };
}

/** `BEGIN IMMEDIATE` unless another connection holds the write lock (then false, at once). */
function tryBegin(connection: Connection): boolean {
  connection.exec('PRAGMA busy_timeout = 0');
  try {
    connection.exec('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    if (isBusy(error)) return false;
    throw error;
  } finally {
    connection.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** SQLITE_BUSY, as better-sqlite3 (its code) or node:sqlite (its error code, 5) says it. */
function isBusy(error: unknown): boolean {
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  return code === 'SQLITE_BUSY' || errcode === 5;
}

/**
 * Two processes switching a new file to WAL at once can deadlock in rollback mode;
 * SQLite then answers SQLITE_BUSY to one of them without waiting for busy_timeout,
 * so that one waits a moment and tries again (sqliteStore is synchronous, hence Atomics.wait).
 */
function enableWal(connection: Connection): void {
  for (let attempt = 1; ; attempt++) {
    try {
      connection.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      if (attempt >= 50 || !isBusy(error)) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/**
 * Kysely's SQLite driver prepares every statement it runs; preparing costs about
 * as much as running one. The store runs the same few statements over and over,
 * so each is prepared once here and reused (a statement of either driver runs to
 * completion synchronously, so reusing one between calls is safe). Statements
 * whose text varies (lists of ids of every length) are bounded by `size`.
 */
function withStatementCache(connection: Connection, size = 256): StatementCache {
  const statements = new Map<string, Statement>();
  return {
    close: () => connection.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
