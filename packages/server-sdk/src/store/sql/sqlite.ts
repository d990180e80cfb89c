import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, type SqliteDatabase, SqliteDialect, type SqliteStatement } from 'kysely';
import type { AuditEvent } from '../../model.ts';
import { type AttemptInput, type AttemptResult, type MfaStore, settle } from '../store.ts';
import {
  challengeStateFromRow,
  consumeStatement,
  settleResult,
  settleStatements,
  settleWrite,
  sqlStore,
} from './kysely-store.ts';
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
  const statements = withStatementCache(database);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: statements }) });
  const store = sqlStore(db, 'sqlite', () => db.destroy());
  const settleNow = settleInTransaction(database, statements, db);
  const challengeState = settleStatements(db).challengeState;
  return {
    ...store,
    // A challenge's first read, run on the connection Kysely shares out without its query pipeline.
    async getChallengeState(userId) {
      await store.migrate();
      const { sql, parameters } = challengeState.compiled(userId);
      const row = await db
        .connection()
        .execute(async () => (statements.prepare(sql) as unknown as Database.Statement).get(...parameters));
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

/**
 * `settleAttempt` on SQLite: the rules and the statements of the Kysely store
 * (`settleStatements`, compiled once by Kysely), run as one `BEGIN IMMEDIATE`
 * transaction without a promise between them. The write lock taken at its start
 * is what makes concurrent attempts (of this process or another) wait for each other.
 */
function settleInTransaction(
  database: Database.Database,
  statements: SqliteDatabase,
  db: Kysely<Schema>,
): (input: AttemptInput) => AttemptResult & { events: AuditEvent[] } {
  const settling = settleStatements(db);
  const statementOf = ({ sql }: { sql: string }) => statements.prepare(sql) as unknown as Database.Statement;
  const run = (compiled: { sql: string; parameters: readonly unknown[] }) =>
    statementOf(compiled).run(...compiled.parameters).changes;
  const get = <T>(compiled: { sql: string; parameters: readonly unknown[] }) =>
    statementOf(compiled).get(...compiled.parameters) as T | undefined;
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
  const transaction = database.transaction((input: AttemptInput) => {
    const result = judge(input);
    // The events the outcome calls for, in the same transaction as the change they record.
    const events = (input.audit?.(result) ?? []).map((event): AuditEvent => {
      const row = get<{ id: number | bigint }>(settling.auditInsert(event));
      return { ...event, id: String(row?.id) };
    });
    return { ...result, events };
  });
  return (input) => transaction.immediate(input);
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
