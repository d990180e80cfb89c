/**
 * Settling a challenge attempt in SQL: the statements that consume a proof and record the
 * outcome, shared by the Kysely transaction (kysely-store.ts), SQLite's synchronous path
 * (sqlite.ts) and D1's batch (d1-batches.ts).
 */
import { type Kysely, sql } from 'kysely';
import type { AttemptInput, AttemptResult, Settlement } from '../../attempts/settle.ts';
import { verificationMethodOf } from '../../attempts/settle.ts';
import type { AuditEventInput, SessionMethod, VerificationMethod } from '../../model.ts';
import { prepared } from './prepared.ts';
import { auditRow } from './rows.ts';
import type { Database } from './schema.ts';
import { markSession, toMs } from './write-statements.ts';

/** Marks the first unused code among `hashes` used (one code only, though several might match). */
function consumeRecoveryCode(db: Kysely<Database>, userId: string, hashes: readonly string[], at: Date) {
  return db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: toMs(at) })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('code_hash', '=', (eb) =>
      eb
        .selectFrom('mfa_recovery_codes')
        .select('code_hash')
        .where('user_id', '=', userId)
        .where('code_hash', 'in', [...hashes])
        .where('used_at', 'is', null)
        .limit(1),
    );
}

/** The insert of one audit event, answering its id. */
export function auditInsert(db: Kysely<Database>, event: AuditEventInput) {
  return db.insertInto('mfa_audit').values(auditRow(event)).returning('id');
}

/** The statement that consumes a proof (`settle`'s `consume`), compiled; none for a setup. */
export function consumeStatement(
  settling: ReturnType<typeof settleStatements>,
  input: AttemptInput,
): { sql: string; parameters: readonly unknown[] } | null {
  const { userId, proof, now } = input;
  switch (proof.kind) {
    case 'setup':
      return null;
    case 'totp':
      return settling.consumeTimeStep.compiled(userId, proof.step as number, proof.secret);
    case 'recovery':
      return settling.consumeRecoveryCode(userId, proof.hashes, now);
    case 'webauthn':
      return settling.consumeWebAuthnCounter.compiled(
        userId,
        proof.credentialId,
        proof.expectedCounter,
        proof.counter,
        proof.backedUp ? 1 : 0,
        toMs(now),
      );
  }
}

/**
 * The statements that settle a challenge attempt, built by Kysely and compiled once:
 * the Kysely store runs them in a transaction, and the SQLite store runs the same
 * compiled statements synchronously inside its `BEGIN IMMEDIATE` (sqlite.ts).
 */
export function settleStatements(db: Kysely<Database>) {
  return {
    /** A challenge's first read: the factor and the lock, in one statement. */
    challengeState: prepared(db, (userId: string) =>
      db
        .selectFrom('mfa_totp_factors as f')
        .leftJoin('mfa_attempts as a', 'a.user_id', 'f.user_id')
        .select(['f.user_id', 'f.secret', 'f.last_used_step', 'f.created_at', 'a.locked_until'])
        .where('f.user_id', '=', userId),
    ),
    /** The user's failures and lock, read without taking anything (SQLite's write lock is held). */
    readAttempts: prepared(db, (userId: string) =>
      db.selectFrom('mfa_attempts').select(['failures', 'locked_until']).where('user_id', '=', userId),
    ),
    /** Takes the user's attempts row for the transaction (creating it at 0 failures) and reads it. */
    holdAttempts: prepared(db, (userId: string) =>
      db
        .insertInto('mfa_attempts')
        .values({ user_id: userId, failures: 0, locked_until: null })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ failures: sql.ref('mfa_attempts.failures') }))
        .returning(['failures', 'locked_until']),
    ),
    /** Only on the secret the code was judged against: a factor replaced meanwhile is another. */
    consumeTimeStep: prepared(db, (userId: string, step: number, secret: string) =>
      db
        .updateTable('mfa_totp_factors')
        .set({ last_used_step: step })
        .where('user_id', '=', userId)
        .where('secret', '=', secret)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)])),
    ),
    /**
     * A verification's common case: the step consumed on the judged secret while the user has
     * no failures counted (so none to judge the attempt by, nor to clear). Nothing changed:
     * the attempt is judged in full. (Answering the recovery codes left through `RETURNING`
     * instead of `countRecoveryCodes` costs SQLite more than the second statement.)
     */
    consumeTimeStepWithoutFailures: prepared(db, (userId: string, step: number, secret: string) =>
      db
        .updateTable('mfa_totp_factors')
        .set({ last_used_step: step })
        .where('user_id', '=', userId)
        .where('secret', '=', secret)
        .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
        .where((eb) =>
          eb.not(eb.exists(eb.selectFrom('mfa_attempts').select('user_id').where('user_id', '=', userId))),
        ),
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
    /**
     * A valid WebAuthn assertion consumed: the credential's counter moves on from the one it
     * was judged against (of two assertions judged on one read, one moves it).
     */
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
    countRecoveryCodes: prepared(db, (userId: string) =>
      db
        .selectFrom('mfa_recovery_codes')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null),
    ),
    consumeRecoveryCode: (userId: string, hashes: readonly string[], at: Date) =>
      consumeRecoveryCode(db, userId, hashes, at).compile(),
    auditInsert: (event: AuditEventInput) => auditInsert(db, event).compile(),
  };
}

/** What settling an attempt writes besides consuming its proof. */
export type SettleWrite =
  | { kind: 'none' }
  | { kind: 'failures'; failures: number; lockedUntil: number | null; at: number }
  | { kind: 'verified'; markSession: boolean; method: VerificationMethod; at: number };

export function settleWrite(input: AttemptInput, settled: Settlement): SettleWrite {
  const at = toMs(input.now);
  if (settled.outcome === 'locked') return { kind: 'none' };
  if (settled.outcome === 'verified') {
    const { proof } = input;
    return { kind: 'verified', markSession: proof.kind !== 'setup', method: verificationMethodOf(proof), at };
  }
  return {
    kind: 'failures',
    failures: settled.failures,
    lockedUntil: settled.lockedUntil ? toMs(settled.lockedUntil) : null,
    at,
  };
}

export function settleResult(settled: Settlement, recoveryCodesRemaining: number): AttemptResult {
  if (settled.outcome === 'locked') return settled;
  if (settled.outcome === 'verified') return { outcome: 'verified', recoveryCodesRemaining };
  return { outcome: settled.outcome, failures: settled.failures };
}
