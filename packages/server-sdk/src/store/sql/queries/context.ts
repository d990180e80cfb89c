/** What the SQL store's one-statement methods share: the database, once migrated, and its hot statements. */
import { type Kysely, sql } from 'kysely';
import type { SqlFlavour } from '../migrations.ts';
import { prepared } from '../prepared.ts';
import { jsonIds } from '../rows.ts';
import type { Database } from '../schema.ts';
import type { SettleStatements } from '../settle-statements.ts';
import { factorTableEntries } from '../trust-change.ts';

export interface QueryContext {
  db: Kysely<Database>;
  flavour: SqlFlavour;
  /** Applies the migrations first (once). */
  ready(): Promise<void>;
  /** The database, once migrated. */
  q(): Promise<Kysely<Database>>;
  hot: ReturnType<typeof hotStatements>;
  settling: SettleStatements;
}

/** The statements of every guarded request, built and compiled once. */
export function hotStatements(db: Kysely<Database>, flavour: SqlFlavour) {
  return {
    policy: prepared(db, (accountId: string) =>
      db.selectFrom('mfa_policies').selectAll().where('account_id', '=', accountId),
    ),
    factor: prepared(db, (userId: string) =>
      db.selectFrom('mfa_totp_factors').selectAll().where('user_id', '=', userId),
    ),
    // Every kind of factor's table, the ids as one JSON array parameter: one statement whatever
    // their number (no bind limit, nothing compiled per call), expanded by the database.
    enrollments: prepared(db, (idsJson: string) => {
      const ids = jsonIds(flavour, idsJson);
      const [first, ...rest] = factorTableEntries.map(([method, table]) =>
        db
          .selectFrom(table)
          .select([
            'user_id',
            sql<string>`${sql.lit(method)}`.as('method'),
            (eb) => eb.fn.min('created_at').as('created_at'),
          ])
          .where('user_id', 'in', ids)
          .groupBy('user_id'),
      );
      // biome-ignore lint/style/noNonNullAssertion: there is a factor table for every method
      return rest.reduce((all, one) => all.unionAll(one), first!);
    }),
    attempts: prepared(db, (userId: string) =>
      db.selectFrom('mfa_attempts').select(['failures', 'locked_until']).where('user_id', '=', userId),
    ),
    device: prepared(db, (userId: string, tokenHash: string) =>
      db
        .selectFrom('mfa_remembered_devices')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('user_id', '=', userId),
    ),
    session: prepared(db, (userId: string, sessionId: string) =>
      db
        .selectFrom('mfa_verified_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('session_id', '=', sessionId),
    ),
    factsVersion: prepared(db, () =>
      db.selectFrom('mfa_counters').select('value').where('name', 'like', 'facts:%').orderBy('name'),
    ),
  };
}
