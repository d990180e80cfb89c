import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.ts';

const HOLE = Symbol('mfakit.prepared.hole');

type Slot = { arg: number } | { value: unknown };

/**
 * A statement that Kysely builds and compiles once and that then runs with other
 * values: building and compiling costs 5–30 µs a statement, as much as SQLite
 * takes to run most of them, so the statements of every guarded request and
 * every challenge are prepared here.
 *
 * `build` runs once, with a placeholder for each argument, and must use each
 * placeholder only as a value of the statement: never in JavaScript (no
 * arithmetic, no `?:`, no `sql.lit`) and never to choose the statement's shape.
 * What depends on JavaScript must be computed by the caller and passed in.
 *
 * @example
 * const getTotpFactor = prepared(db, (userId: string) =>
 *   db.selectFrom('mfa_totp_factors').selectAll().where('user_id', '=', userId));
 * const { rows } = await getTotpFactor('u1');
 */
export type Executor = Pick<Kysely<Database>, 'executeQuery'>;

export interface Prepared<A extends unknown[], R> {
  (...args: A): Promise<QueryResult<R>>;
  /** The statement run by another executor: a transaction. */
  on(executor: Executor): (...args: A) => Promise<QueryResult<R>>;
  /** The compiled statement with these values, for a driver run synchronously (SQLite's settling). */
  compiled(...args: A): { sql: string; parameters: unknown[] };
}

export function prepared<A extends unknown[], R>(
  db: Executor,
  build: (...args: A) => Compilable<R>,
): Prepared<A, R> {
  let template: { sql: string; slots: Slot[] } | undefined;
  const compile = () => {
    const holes = Array.from({ length: build.length }, (_, index) => ({ [HOLE]: index }));
    const compiled = build(...(holes as unknown as A)).compile();
    const slots = compiled.parameters.map(
      (value): Slot =>
        typeof value === 'object' && value !== null && HOLE in value
          ? { arg: (value as { [HOLE]: number })[HOLE] }
          : { value },
    );
    // A placeholder that ended up anywhere but among the parameters was misused.
    const used = new Set(slots.flatMap((slot) => ('arg' in slot ? [slot.arg] : [])));
    if (compiled.sql.includes('[object Object]') || used.size !== holes.length) {
      throw new Error(`prepared: every argument must be a value of the statement: ${compiled.sql}`);
    }
    return { sql: compiled.sql, slots };
  };
  const compiled = (...args: A) => {
    template ??= compile();
    const parameters = template.slots.map((slot) => ('arg' in slot ? args[slot.arg] : slot.value));
    return { sql: template.sql, parameters };
  };
  const on =
    (executor: Executor) =>
    (...args: A) => {
      const { sql, parameters } = compiled(...args);
      return executor.executeQuery(CompiledQuery.raw(sql, parameters) as CompiledQuery<R>);
    };
  return Object.assign(on(db), { on, compiled });
}
