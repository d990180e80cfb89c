/** The authenticator app's atomic writes, as plans. */
import type { Kysely } from 'kysely';
import type { SessionRecord, TotpFactorRecord } from '../../../model.ts';
import type { AuditWrite } from '../../audit-store.ts';
import type { MustKeep } from '../../must-keep.ts';
import { trustChanges } from '../../trust-changes.ts';
import { absent, allOf, audited, type Plan, present, writing } from '../plan.ts';
import type { Database } from '../schema.ts';
import { factorLeft, trustChangeStatements } from '../trust-change.ts';
import { sessionMarked, totpInsert } from '../write-statements.ts';

const appOf = (db: Kysely<Database>, userId: string) =>
  db.selectFrom('mfa_totp_factors').select('user_id').where('user_id', '=', userId);

/**
 * The pending setup, still the one confirmed, becomes the user's app: a first app is a
 * factor added, another replaces the one there (a trust change).
 */
export function activateTotpPlan(
  db: Kysely<Database>,
  factor: TotpFactorRecord,
  pendingSecret: string,
  recoveryCodeHashes: readonly string[] | null,
  write: AuditWrite | undefined,
  session: SessionRecord | undefined,
): Plan<boolean> {
  const { userId } = factor;
  const app = appOf(db, userId);
  const pending = db
    .selectFrom('mfa_pending_totp')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('secret', '=', pendingSecret);
  return {
    key: `user:${userId}`,
    reads: [app.compile()],
    decide: ([apps = []]) => {
      const replacing = apps.length > 0;
      const change = replacing ? trustChanges.factorReplaced : trustChanges.factorAdded;
      return {
        check: present(pending),
        asRead: replacing ? present(app) : absent(app),
        statements: [
          db.deleteFrom('mfa_totp_factors').where('user_id', '=', userId).compile(),
          totpInsert(db, factor),
          ...trustChangeStatements(db, userId, change, { recoveryCodeHashes }),
          ...(session ? [sessionMarked(db, session)] : []),
        ],
        audit: audited(write, true),
        answer: () => true,
        otherwise: false,
      };
    },
  };
}

/** The user's app removed, while `mustKeep` holds without it. */
export function deleteTotpPlan(
  db: Kysely<Database>,
  userId: string,
  write: AuditWrite | undefined,
  keepSessionId: string | undefined,
  mustKeep: MustKeep | undefined,
): Plan<boolean> {
  const left = factorLeft(db, userId, { app: true }, mustKeep);
  return writing(`user:${userId}`, {
    check: allOf(present(appOf(db, userId)), ...(left ? [left] : [])),
    statements: [
      db.deleteFrom('mfa_totp_factors').where('user_id', '=', userId).compile(),
      ...trustChangeStatements(db, userId, trustChanges.factorRemoved, { keepSessionId }),
    ],
    audit: audited(write, true),
    answer: true,
    otherwise: false,
  });
}
