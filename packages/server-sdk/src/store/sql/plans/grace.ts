/** Grace periods' atomic writes, as plans. */
import type { Kysely } from 'kysely';
import type { GraceRecord } from '../../../model.ts';
import { absent, count, type Plan, type Row } from '../plan.ts';
import { idList } from '../rows.ts';
import type { Database } from '../schema.ts';
import { bumpFacts } from '../trust-change.ts';
import { graceForfeit, graceRecord, graceStart } from '../write-statements.ts';

/** The user's grace period in the account, started at `at` unless it has started already. */
export function startGracePlan(
  db: Kysely<Database>,
  accountId: string,
  userId: string,
  at: Date,
): Plan<GraceRecord> {
  const grace = db
    .selectFrom('mfa_grace')
    .select(['started_at', 'forfeited_at'])
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId);
  return {
    key: `user:${userId}`,
    reads: [grace.compile()],
    decide: (rows: Row[][]) => {
      const row = rows[0]?.[0];
      if (row) return { done: graceRecord(row) };
      return {
        asRead: absent(grace),
        statements: [graceStart(db, accountId, userId, at), bumpFacts(db, userId)],
        answer: () => ({ startedAt: new Date(at.getTime()), forfeitedAt: null }),
      };
    },
  };
}

/** The user's grace periods in `accountIds` forfeited at `at` (a reset), the facts moved with them. */
export function forfeitGracePlan(
  db: Kysely<Database>,
  flavour: 'sqlite' | 'postgres',
  userId: string,
  accountIds: readonly string[],
  at: Date,
): Plan<void> {
  const accounts = [...new Set(accountIds)];
  // Already forfeited by `at` in these accounts: the others are forfeited (or start so).
  const byThen = db
    .selectFrom('mfa_grace')
    .select('account_id')
    .where('user_id', '=', userId)
    .where('account_id', 'in', idList(flavour, accounts))
    .where('forfeited_at', '<=', at.getTime());
  return {
    key: `user:${userId}`,
    reads: [byThen.compile()],
    decide: ([forfeited = []]) => {
      if (forfeited.length === accounts.length) return { done: undefined };
      return {
        asRead: count(byThen, forfeited.length),
        statements: [
          ...accounts.map((accountId) => graceForfeit(db, accountId, userId, at)),
          bumpFacts(db, userId),
        ],
        answer: () => undefined,
      };
    },
  };
}
