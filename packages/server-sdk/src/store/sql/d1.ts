/**
 * What the store uses of Cloudflare D1: its binding's `prepare` and `batch`, and the
 * check a batch opens with (engines/d1-batch.ts, d1-migrations.ts).
 */
import { type CompiledQuery, type RawBuilder, sql } from 'kysely';

/** What the store uses of a D1 database binding (`env.DB`). */
export interface D1DatabaseLike {
  prepare(query: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<ReadonlyArray<{ results?: unknown[] }>>;
}

export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
}

/** The name of the constraint a failed check trips (`mfa_guards`, migration 0009). */
const STATE_CHANGED = 'mfa_state_changed';

export type Row = Record<string, unknown>;

/**
 * The statement a batch opens with: unless `check` holds, it inserts a row into
 * `mfa_guards`, whose constraint refuses every row, and D1 rolls the batch back whole.
 */
export function failUnless(check: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into mfa_guards (state_changed) select 1 where not ${check}`;
}

/** Runs `statements` as one batch, answering each one's rows. */
export async function sendTo(d1: D1DatabaseLike, statements: readonly CompiledQuery[]): Promise<Row[][]> {
  const results = await d1.batch(statements.map((s) => d1.prepare(s.sql).bind(...s.parameters)));
  return results.map((result) => (result.results ?? []) as Row[]);
}

/** Whether a batch failed at its check (`failUnless`), not for another reason. */
export function isStateChanged(error: unknown): boolean {
  return String((error as Error)?.message).includes(STATE_CHANGED);
}
