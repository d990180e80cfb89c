/**
 * The statements of a challenge attempt, built by Kysely and compiled once (`prepared`):
 * a challenge runs them on every guarded sign-in, so none is compiled per call.
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { AuditEventInput, SessionMethod } from '../../model.ts';
import { prepared } from './prepared.ts';
import { auditRow, jsonIds } from './rows.ts';
import type { Database } from './schema.ts';
import { markSession } from './write-statements.ts';

/** The insert of one audit event, answering its id. */
export function auditInsert(db: Kysely<Database>, event: AuditEventInput) {
  return db.insertInto('mfa_audit').values(auditRow(event)).returning('id');
}

type Eb = ExpressionBuilder<Database, never>;

/**
 * What an attempt is judged by, as one row read: the user's failures and lock, the unused
 * recovery codes counted, and the app's secret and last step (`secret` `null`: no app).
 */
function attemptState(eb: Eb, userId: string) {
  const attempts = eb.selectFrom('mfa_attempts').where('user_id', '=', userId);
  const app = eb.selectFrom('mfa_totp_factors').where('user_id', '=', userId);
  return [
    attempts.select('failures').as('failures'),
    attempts.select('locked_until').as('locked_until'),
    eb
      .selectFrom('mfa_recovery_codes')
      .select((e) => e.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .as('codes'),
    app.select('secret').as('secret'),
    app.select('last_used_step').as('last_step'),
  ] as const;
}

export type AttemptStateRow = {
  failures: number | string | null;
  locked_until: number | string | null;
  codes: number | string;
  secret: string | null;
  last_step: number | string | null;
  /** A recovery code's or a WebAuthn credential's: whether the proof can be consumed. */
  can_consume?: number | string | boolean;
};

export function settleStatements(db: Kysely<Database>, flavour: 'sqlite' | 'postgres') {
  return {
    /** An app code's or a setup's attempt: its state. */
    state: prepared(db, (userId: string) => db.selectNoFrom((eb) => attemptState(eb, userId))),
    /** A recovery code's attempt: its state, and whether one of `hashes` (a JSON array) is an unused code. */
    recoveryState: prepared(db, (userId: string, hashes: string) =>
      db.selectNoFrom((eb) => [
        ...attemptState(eb, userId),
        eb
          .exists(
            eb
              .selectFrom('mfa_recovery_codes')
              .select('user_id')
              .where('user_id', '=', userId)
              .where('code_hash', 'in', jsonIds(flavour, hashes))
              .where('used_at', 'is', null),
          )
          .as('can_consume'),
      ]),
    ),
    /** A WebAuthn assertion's attempt: its state, and whether the credential's counter is still `expected`. */
    webAuthnState: prepared(db, (userId: string, credentialId: string, expected: number) =>
      db.selectNoFrom((eb) => [
        ...attemptState(eb, userId),
        eb
          .exists(
            eb
              .selectFrom('mfa_webauthn_credentials')
              .select('user_id')
              .where('credential_id', '=', credentialId)
              .where('user_id', '=', userId)
              .where('counter', '=', expected),
          )
          .as('can_consume'),
      ]),
    ),
    /** Only on the secret the code was judged against, and only after the last step used. */
    consumeTimeStep: prepared(db, (userId: string, step: number, secret: string) =>
      db
        .updateTable('mfa_totp_factors')
        .set({ last_used_step: step })
        .where('user_id', '=', userId)
        .where('secret', '=', secret)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)])),
    ),
    /** The first unused code among `hashes` (a JSON array) marked used: one code only, though several might match. */
    consumeRecoveryCode: prepared(db, (userId: string, hashes: string, at: number) =>
      db
        .updateTable('mfa_recovery_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .where('code_hash', '=', (eb) =>
          eb
            .selectFrom('mfa_recovery_codes')
            .select('code_hash')
            .where('user_id', '=', userId)
            .where('code_hash', 'in', jsonIds(flavour, hashes))
            .where('used_at', 'is', null)
            .limit(1),
        ),
    ),
    /** A valid assertion consumed: the credential's counter moves on from the one it was judged against. */
    consumeWebAuthnCounter: prepared(
      db,
      (
        userId: string,
        credentialId: string,
        expected: number,
        counter: number,
        backedUp: number,
        at: number,
      ) =>
        db
          .updateTable('mfa_webauthn_credentials')
          .set({ counter, backed_up: backedUp, last_used_at: at })
          .where('credential_id', '=', credentialId)
          .where('user_id', '=', userId)
          .where('counter', '=', expected),
    ),
    storeFailures: prepared(
      db,
      (userId: string, failures: number, lockedUntil: number | null, lastFailedAt: number) =>
        db
          .insertInto('mfa_attempts')
          .values({ user_id: userId, failures, locked_until: lockedUntil, last_failed_at: lastFailedAt })
          .onConflict((oc) =>
            oc.column('user_id').doUpdateSet({
              failures: (eb) => eb.ref('excluded.failures'),
              locked_until: (eb) => eb.ref('excluded.locked_until'),
              last_failed_at: (eb) => eb.ref('excluded.last_failed_at'),
            }),
          ),
    ),
    clearAttempts: prepared(db, (userId: string) =>
      db.deleteFrom('mfa_attempts').where('user_id', '=', userId),
    ),
    markSessionVerified: prepared(
      db,
      (userId: string, sessionId: string, verifiedAt: number, method: SessionMethod) =>
        markSession(db, userId, sessionId, verifiedAt, method),
    ),
    countRecoveryCodes: prepared(db, (userId: string) =>
      db
        .selectFrom('mfa_recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null),
    ),
    /** The user's attempt state as the plan read it, still (D1's check, in its writing batch). */
    stateAsRead(userId: string, row: AttemptStateRow) {
      const is = (value: unknown) => (value === null || value === undefined ? sql`is null` : sql`= ${value}`);
      const attempts = db.selectFrom('mfa_attempts').where('user_id', '=', userId);
      const app = db.selectFrom('mfa_totp_factors').where('user_id', '=', userId);
      const codes = db
        .selectFrom('mfa_recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null);
      return sql`(coalesce((${attempts.select('failures')}), -1) = ${Number(row.failures ?? -1)}
        and (${attempts.select('locked_until')}) ${is(row.locked_until)}
        and (${codes}) = ${Number(row.codes)}
        and (${app.select('secret')}) ${is(row.secret)}
        and (${app.select('last_used_step')}) ${is(row.last_step)})`;
    },
  };
}

export type SettleStatements = ReturnType<typeof settleStatements>;
