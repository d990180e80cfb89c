/**
 * Plans run as one synchronous SQLite transaction (better-sqlite3, node:sqlite): `BEGIN
 * IMMEDIATE` takes the database's write lock first, so what the plan reads holds until it
 * commits, across processes; reads, decision, check and statements then run without a
 * promise between them, so nothing of this process runs in the middle either.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import { checking, type Engine, isMustChange, type Plan, type Row } from '../plan.ts';
import type { Database } from '../schema.ts';
import { auditInsert } from '../settle-statements.ts';
import { answered, MAX_ROUNDS, type Made, PlanAgain, tooManyRounds, withId } from './settled.ts';

/** A prepared statement of either driver, values given as one array. */
export interface SyncStatement {
  all(parameters: readonly unknown[]): unknown[];
  get(parameters: readonly unknown[]): unknown;
  run(parameters: readonly unknown[]): { changes: number | bigint };
}

/** What the engine needs of the connection. */
export interface SyncConnection {
  /** A statement, prepared once and cached. */
  prepare(sql: string): SyncStatement;
  /**
   * `BEGIN IMMEDIATE` without waiting: false while another connection holds the write lock.
   * (SQLite's own busy wait would block this thread, and with it a connection of this process
   * that holds the lock across an `await`: a migration.)
   */
  tryBegin(): boolean;
}

/** How long a write waits for another connection's write lock, in all. */
const BUSY_WAIT_MS = 5000;

/** The engine of a synchronous SQLite connection; `ready` migrates first. */
export function sqliteSyncEngine(
  db: Kysely<Database>,
  { prepare, tryBegin }: SyncConnection,
  ready: () => Promise<void>,
): Engine {
  const run = (q: CompiledQuery) => Number(prepare(q.sql).run(q.parameters).changes);
  const all = (q: CompiledQuery) => prepare(q.sql).all(q.parameters) as Row[];
  const get = (q: CompiledQuery) => prepare(q.sql).get(q.parameters) as Row | undefined;
  const commit = { sql: 'COMMIT', parameters: [] } as unknown as CompiledQuery;
  const rollback = { sql: 'ROLLBACK', parameters: [] } as unknown as CompiledQuery;

  function once<T>(plan: Plan<T>): Made<T> {
    const decision = plan.decide(plan.reads.map(all));
    if ('done' in decision) return decision;
    if (decision.check && Number(get(checking(db, decision.check))?.ok) !== 1) {
      if (decision.otherwise !== undefined) return { done: decision.otherwise };
      throw new PlanAgain();
    }
    for (const statement of decision.statements) {
      if (run(statement) === 0 && isMustChange(statement)) throw new PlanAgain();
    }
    const stored = (decision.audit?.events ?? []).map((event) =>
      withId(event, get(auditInsert(db, event).compile())?.id),
    );
    return { written: decision, stored };
  }

  /** Waits a while before trying the write lock again (not blocking the thread); throws once waited too long. */
  async function waitForLock(since: number, tries: number): Promise<void> {
    if (Date.now() - since > BUSY_WAIT_MS) {
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** tries, 16)));
  }

  return async <T>(plan: Plan<T>): Promise<T> => {
    await ready();
    for (let round = 1; ; round++) {
      // No `await` between the lock taken and the commit: the transaction is one synchronous run.
      const since = Date.now();
      for (let tries = 0; !tryBegin(); tries++) await waitForLock(since, tries);
      let made: Made<T>;
      try {
        made = once(plan);
        run(commit);
      } catch (error) {
        // SQLite may have rolled back already (then ROLLBACK fails, and the first error is the one to tell).
        try {
          run(rollback);
        } catch {}
        if (!(error instanceof PlanAgain)) throw error;
        if (round >= MAX_ROUNDS) throw tooManyRounds();
        continue;
      }
      return answered(made);
    }
  };
}
