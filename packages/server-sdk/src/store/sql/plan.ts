/**
 * A write is a plan: what it reads, what it decides on what it read (pure), and the
 * statements it then makes, behind the checks that must still hold when they run. Each
 * atomic write of the SQL stores is written once, as a plan (`plans/`), and engines run
 * plans (`engines/`): a SQL transaction (PostgreSQL, and SQLite through Kysely), SQLite's
 * synchronous transaction, a D1 batch.
 *
 * Two kinds of check:
 * - `check`: a condition the write depends on, which the reads did not settle (the pending
 *   setup still the one confirmed, the policy still at the version edited). Every engine
 *   evaluates it right before the statements; when it fails the write answers `otherwise`,
 *   or is planned again.
 * - `asRead`: that what the write read still holds. An engine that read under the lock
 *   of the plan's `key` (the transactions) knows it does; D1, which reads in one batch and
 *   writes in another, checks it inside the writing batch.
 */
import { type CompiledQuery, type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditEvent, AuditEventInput } from '../../model.ts';
import { type AuditWrite, auditEvents } from '../audit-store.ts';
import type { Database } from './schema.ts';

export type Row = Record<string, unknown>;
export type Check = RawBuilder<unknown>;
export type Query = SelectQueryBuilder<Database, keyof Database, Row>;
/** Statements to run in order, as one atomic write. */
export type Statements = CompiledQuery[];

/** The audit events a write appends after its statements, and whom to hand them, stored. */
export interface Audit {
  events: readonly AuditEventInput[];
  write?: AuditWrite | undefined;
}

/** A write decided: its answer without writing, or statements behind checks. */
export type Decision<T> =
  | { done: T }
  | {
      check?: Check | undefined;
      /** Built only by an engine that checks it (a function: built only then). */
      asRead?: Check | (() => Check) | undefined;
      statements: Statements;
      audit?: Audit | undefined;
      /** The answer, given the audit events stored. */
      answer: (events: AuditEvent[]) => T;
      /** The answer when `check` fails; without it the write is planned again. */
      otherwise?: T | undefined;
    };

export interface Plan<T> {
  /**
   * Whose writes this one must not interleave with: `user:<id>` (every write that changes a
   * user's trust, factors, attempts or grace) or `account:<id>` (a policy). A transaction
   * takes this key's lock first.
   */
  key: string;
  /** What it reads, each answered as rows, in order (none: `decide([])`). */
  reads: readonly CompiledQuery[];
  decide(rows: Row[][]): Decision<T>;
}

const mustChangeMarks = new WeakSet<CompiledQuery>();

/**
 * `statement`, marked as one that must change a row: when it changes none (a row another
 * write put there meanwhile, which no lock of the plan's key keeps out: a credential id
 * registered by another user), a transaction rolls the write back and plans it again. D1
 * needs no mark: its batch runs behind the plan's `asRead`, checked in the batch.
 */
export function mustChange(statement: CompiledQuery): CompiledQuery {
  mustChangeMarks.add(statement);
  return statement;
}

export const isMustChange = (statement: CompiledQuery): boolean => mustChangeMarks.has(statement);

/** Runs plans: each engine makes a plan's write atomic in its own way. */
export type Engine = <T>(plan: Plan<T>) => Promise<T>;

/** A plan that reads nothing and writes `statements` (behind `check`, answering `otherwise` when it fails). */
export function writing<T>(
  key: string,
  decision: Omit<Extract<Decision<T>, { statements: Statements }>, 'answer'> & { answer: T },
): Plan<T> {
  const { answer, ...rest } = decision;
  return { key, reads: [], decide: () => ({ ...rest, answer: () => answer }) };
}

/** The audit of `write` for the change's result `value`. */
export const audited = (write: AuditWrite | undefined, value: unknown): Audit | undefined =>
  write ? { events: auditEvents(write, value), write } : undefined;

// (Kysely puts a subquery in parentheses of its own.)
export const present = (query: Query): Check => sql`exists ${query}`;
export const absent = (query: Query): Check => sql`not exists ${query}`;
export const allOf = (...checks: Check[]): Check =>
  checks.length === 1 ? (checks[0] as Check) : sql`(${sql.join(checks, sql` and `)})`;
export const count = (query: Query, n: number): Check => sql`(select count(*) from ${query}) = ${n}`;

/** `check` as a statement answering `ok` 1 when it holds (the transactions' way to evaluate it). */
export function checking(db: Kysely<Database>, check: Check): CompiledQuery {
  return sql`select case when ${check} then 1 else 0 end as ok`.compile(db);
}
