/**
 * Plans run as SQL transactions through Kysely: PostgreSQL, and SQLite through a driver of
 * the host's (bun:sqlite, Deno's node:sqlite). The transaction takes the lock of the plan's
 * key first (PostgreSQL: an advisory lock; SQLite: the database's write lock, `BEGIN
 * IMMEDIATE`), so what the plan reads holds until it commits; its `check` is evaluated right
 * before the statements.
 */
import { type CompiledQuery, type Kysely, sql } from 'kysely';
import type { AuditEvent } from '../../../model.ts';
import type { SqlFlavour } from '../migrations.ts';
import { checking, type Engine, isMustChange, type Plan, type Row } from '../plan.ts';
import type { Database } from '../schema.ts';
import { auditInsert } from '../settle-statements.ts';
import { answered, MAX_ROUNDS, type Made, PlanAgain, tooManyRounds, withId } from './settled.ts';

type Executor = Pick<Kysely<Database>, 'executeQuery'>;

/** PostgreSQL's code for a deadlock: it rolled one transaction back whole, which runs again. */
const DEADLOCK = '40P01';

async function make<T>(db: Kysely<Database>, trx: Executor, plan: Plan<T>): Promise<Made<T>> {
  const rows: Row[][] = [];
  for (const read of plan.reads) rows.push((await trx.executeQuery(read)).rows as Row[]);
  const decision = plan.decide(rows);
  if ('done' in decision) return decision;
  if (decision.check) {
    const [held] = (await trx.executeQuery(checking(db, decision.check))).rows as { ok: unknown }[];
    if (Number(held?.ok) !== 1) {
      if (decision.otherwise !== undefined) return { done: decision.otherwise };
      throw new PlanAgain();
    }
  }
  for (const statement of decision.statements) {
    const result = await trx.executeQuery(statement);
    if (isMustChange(statement) && Number(result.numAffectedRows ?? 0) === 0) throw new PlanAgain();
  }
  const stored: AuditEvent[] = [];
  for (const event of decision.audit?.events ?? []) {
    const [row] = (await trx.executeQuery(auditInsert(db, event).compile())).rows as { id: unknown }[];
    stored.push(withId(event, row?.id));
  }
  return { written: decision, stored };
}

/** The engine of a Kysely database; `ready` applies the migrations first. */
export function transactionEngine(
  db: Kysely<Database>,
  flavour: SqlFlavour,
  ready: () => Promise<void>,
): Engine {
  const lock = (key: string): CompiledQuery =>
    sql`select pg_advisory_xact_lock(hashtextextended(${`mfa-${key}`}, 0))`.compile(db);
  const once = <T>(plan: Plan<T>): Promise<Made<T>> =>
    flavour === 'postgres'
      ? db.transaction().execute(async (trx) => {
          await trx.executeQuery(lock(plan.key));
          return make(db, trx, plan);
        })
      : db.connection().execute(async (connection) => {
          await sql`begin immediate`.execute(connection);
          try {
            const made = await make(db, connection, plan);
            await sql`commit`.execute(connection);
            return made;
          } catch (error) {
            await sql`rollback`.execute(connection).catch(() => {});
            throw error;
          }
        });
  return async <T>(plan: Plan<T>): Promise<T> => {
    await ready();
    for (let round = 1; ; round++) {
      try {
        return answered(await once(plan));
      } catch (error) {
        const again = error instanceof PlanAgain || (error as { code?: unknown }).code === DEADLOCK;
        if (!again) throw error;
        if (round >= MAX_ROUNDS) throw tooManyRounds();
      }
    }
  };
}
