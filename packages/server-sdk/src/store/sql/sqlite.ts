import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import { MfaConfigError } from '../../errors.ts';
import type { AuditEvent } from '../../model.ts';
import { type AttemptInput, type AttemptResult, type MfaStore, settle } from '../store.ts';
import { sqlStore } from './kysely-store.ts';
import { builtinSqlite, type NodeSqliteDatabase, nodeSqliteStatement } from './node-sqlite.ts';
import { challengeStateFromRow } from './rows.ts';
import type { Database as Schema } from './schema.ts';
import { consumeStatement, settleResult, settleStatements, settleWrite } from './settle-statements.ts';

export type { NodeSqliteDatabase } from './node-sqlite.ts';

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
  connection.exec('PRAGMA busy_timeout = 5000');
  enableWal(connection);
  connection.exec('PRAGMA synchronous = NORMAL');
  const statements = withStatementCache(connection);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: statements }) });
  const store = sqlStore(db, 'sqlite', () => db.destroy());
  const settleNow = settleInTransaction(statements, db);
  const challengeState = settleStatements(db).challengeState;
  return {
    ...store,
    // A challenge's first read, run on the connection Kysely shares out without its query pipeline.
    async getChallengeState(userId) {
      await store.migrate();
      const { sql, parameters } = challengeState.compiled(userId);
      const row = await db.connection().execute(async () => statements.prepare(sql).get(parameters));
      return row ? challengeStateFromRow(row as Parameters<typeof challengeStateFromRow>[0]) : null;
    },
    // The challenge's hot path as one synchronous transaction, on the connection Kysely
    // shares out (so never inside one of its transactions).
    async settleAttempt(input) {
      await store.migrate();
      return db.connection().execute(async () => settleNow(input));
    },
  };
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

/**
 * `settleAttempt` on SQLite: the rules and the statements of the Kysely store
 * (`settleStatements`, compiled once by Kysely), run as one `BEGIN IMMEDIATE`
 * transaction without a promise between them. The write lock taken at its start
 * is what makes concurrent attempts (of this process or another) wait for each other.
 */
function settleInTransaction(
  statements: StatementCache,
  db: Kysely<Schema>,
): (input: AttemptInput) => AttemptResult & { events: AuditEvent[] } {
  const settling = settleStatements(db);
  const run = ({ sql, parameters }: { sql: string; parameters: readonly unknown[] }) =>
    Number(statements.prepare(sql).run(parameters).changes);
  const get = <T>({ sql, parameters }: { sql: string; parameters: readonly unknown[] }) =>
    statements.prepare(sql).get(parameters) as T | undefined;
  const judge = (input: AttemptInput): AttemptResult => {
    const { userId, proof, now } = input;
    // The common case first: no failures counted, the step consumed; else judged in full.
    if (proof.kind === 'totp' && proof.step !== null) {
      const consume = settling.consumeTimeStepWithoutFailures.compiled(userId, proof.step, proof.secret);
      if (run(consume) === 1) {
        run(settling.markSessionVerified.compiled(userId, input.sessionId, now.getTime(), 'totp'));
        const left = get<{ n: number }>(settling.countRecoveryCodes.compiled(userId));
        return { outcome: 'verified', recoveryCodesRemaining: Number(left?.n ?? 0) };
      }
    }
    const row = get<{ failures: number; locked_until: number | null }>(
      settling.readAttempts.compiled(userId),
    );
    const state = {
      failures: row?.failures ?? 0,
      lockedUntil: row?.locked_until == null ? null : new Date(Number(row.locked_until)),
    };
    const settled = settle(input, state, () => {
      const consume = consumeStatement(settling, input);
      return consume === null || run(consume) === 1;
    });
    const write = settleWrite(input, settled);
    let remaining = 0;
    if (write.kind === 'failures') {
      run(settling.storeFailures.compiled(userId, write.failures, write.lockedUntil, write.at));
    } else if (write.kind === 'verified') {
      if (row) run(settling.clearAttempts.compiled(userId));
      if (write.markSession) {
        run(settling.markSessionVerified.compiled(userId, input.sessionId, write.at, write.method));
      }
      remaining = Number(get<{ n: number }>(settling.countRecoveryCodes.compiled(userId))?.n ?? 0);
    }
    return settleResult(settled, remaining);
  };
  const transaction = (input: AttemptInput) => {
    const result = judge(input);
    // The events the outcome calls for, in the same transaction as the change they record.
    const events = (input.audit?.(result) ?? []).map((event): AuditEvent => {
      const row = get<{ id: number | bigint }>(settling.auditInsert(event));
      return { ...event, id: String(row?.id) };
    });
    return { ...result, events };
  };
  const begin = { sql: 'BEGIN IMMEDIATE', parameters: [] };
  const commit = { sql: 'COMMIT', parameters: [] };
  const rollback = { sql: 'ROLLBACK', parameters: [] };
  return (input) => {
    run(begin);
    try {
      const result = transaction(input);
      run(commit);
      return result;
    } catch (error) {
      // SQLite may have rolled back already (then ROLLBACK fails, and the first error is the one to tell).
      try {
        run(rollback);
      } catch {}
      throw error;
    }
  };
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
      // better-sqlite3 says SQLITE_BUSY; node:sqlite says its error code, 5.
      const { code, errcode } = error as { code?: unknown; errcode?: unknown };
      if (attempt >= 50 || (code !== 'SQLITE_BUSY' && errcode !== 5)) throw error;
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
