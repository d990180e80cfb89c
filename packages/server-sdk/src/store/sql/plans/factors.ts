/** A user's factors as a whole: the reset, as a plan. */
import { type Kysely, sql } from 'kysely';
import type { AuditWrite } from '../../audit-store.ts';
import { trustChanges } from '../../trust-changes.ts';
import { audited, checking, type Plan, type Row } from '../plan.ts';
import type { Database } from '../schema.ts';
import { factorTableEntries, holdsFactor, trustChangeStatements } from '../trust-change.ts';

/** Every factor, code, failure, session and device of the user gone; answers whether a factor existed. */
export function resetMfaPlan(
  db: Kysely<Database>,
  userId: string,
  write: AuditWrite | undefined,
): Plan<boolean> {
  const held = holdsFactor(db, userId);
  return {
    key: `user:${userId}`,
    reads: [checking(db, held)],
    decide: (rows: Row[][]) => {
      const row = rows[0]?.[0];
      const existed = Number(row?.ok) === 1;
      return {
        asRead: existed ? held : sql`not ${held}`,
        statements: [
          ...factorTableEntries.map(([, table]) =>
            db.deleteFrom(table).where('user_id', '=', userId).compile(),
          ),
          ...trustChangeStatements(db, userId, trustChanges.reset, { enrollmentsChanged: existed }),
        ],
        audit: audited(write, existed),
        answer: () => existed,
      };
    },
  };
}
