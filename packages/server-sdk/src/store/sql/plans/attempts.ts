/** A challenge attempt settled, as a plan: the back-off's rules (`settle`) on one row read. */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import {
  type AttemptInput,
  type AttemptResult,
  type Settlement,
  settle,
  verificationMethodOf,
} from '../../../attempts/settle.ts';
import type { AuditEvent } from '../../../model.ts';
import { allOf, type Check, mustChange, type Plan, type Row, type Statements } from '../plan.ts';
import type { Database } from '../schema.ts';
import type { AttemptStateRow, SettleStatements } from '../settle-statements.ts';

const raw = ({ sql, parameters }: { sql: string; parameters: readonly unknown[] }) =>
  CompiledQuery.raw(sql, [...parameters]);

/** What the attempt's read is, for its proof. */
function stateRead(s: SettleStatements, input: AttemptInput): CompiledQuery {
  const { userId, proof } = input;
  if (proof.kind === 'recovery') return raw(s.recoveryState.compiled(userId, JSON.stringify(proof.hashes)));
  if (proof.kind === 'webauthn') {
    return raw(s.webAuthnState.compiled(userId, proof.credentialId, proof.expectedCounter));
  }
  return raw(s.state.compiled(userId));
}

/** Whether the proof can be consumed (an app code: its `step`), by the row read (a setup consumes nothing). */
function consumable(input: AttemptInput, row: AttemptStateRow, step: number): boolean {
  const { proof } = input;
  if (proof.kind === 'setup') return true;
  if (proof.kind === 'totp') return row.last_step === null || Number(row.last_step) < step;
  return row.can_consume === true || Number(row.can_consume) === 1;
}

/** The statement that consumes the proof (an app code: `step`, on the secret read); none for a setup. */
function consuming(s: SettleStatements, input: AttemptInput, row: AttemptStateRow, step: number) {
  const { userId, proof, now } = input;
  switch (proof.kind) {
    case 'setup':
      return null;
    case 'totp':
      return raw(s.consumeTimeStep.compiled(userId, step, row.secret as string));
    case 'recovery':
      return raw(s.consumeRecoveryCode.compiled(userId, JSON.stringify(proof.hashes), now.getTime()));
    case 'webauthn':
      return raw(
        s.consumeWebAuthnCounter.compiled(
          userId,
          proof.credentialId,
          proof.expectedCounter,
          proof.counter,
          proof.backedUp ? 1 : 0,
          now.getTime(),
        ),
      );
  }
}

/** D1's check that the proof is as consumable as it was read (a TOTP step's is in the state row). */
function consumableAsRead(db: Kysely<Database>, input: AttemptInput, row: AttemptStateRow): Check[] {
  const { userId, proof } = input;
  let rows: { compile(): unknown } | null = null;
  if (proof.kind === 'recovery') {
    rows = db
      .selectFrom('mfa_recovery_codes')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('code_hash', 'in', sql<string>`(select value from json_each(${JSON.stringify(proof.hashes)}))`)
      .where('used_at', 'is', null);
  } else if (proof.kind === 'webauthn') {
    rows = db
      .selectFrom('mfa_webauthn_credentials')
      .select('user_id')
      .where('credential_id', '=', proof.credentialId)
      .where('user_id', '=', userId)
      .where('counter', '=', proof.expectedCounter);
  }
  if (rows === null) return [];
  return [consumable(input, row, 0) ? sql`exists ${rows}` : sql`not exists ${rows}`];
}

function answerOf(settled: Settlement, recoveryCodesRemaining: number): AttemptResult {
  if (settled.outcome === 'locked' || settled.outcome === 'not_enrolled') return settled;
  if (settled.outcome === 'verified') return { outcome: 'verified', recoveryCodesRemaining };
  return { outcome: settled.outcome, failures: settled.failures };
}

/**
 * The attempt judged on the user's state as read (`settle`'s rules), then written: a proof
 * that holds consumed, the failures cleared and the session marked; or the failure counted
 * and the lock it earns set; nothing while the user is locked. Its audit events go with it.
 */
export function settlePlan(
  db: Kysely<Database>,
  s: SettleStatements,
  input: AttemptInput,
): Plan<AttemptResult & { events: AuditEvent[] }> {
  const { userId, proof } = input;
  const at = input.now.getTime();
  return {
    key: `user:${userId}`,
    reads: [stateRead(s, input)],
    decide: (rows: Row[][]) => {
      const read = rows[0]?.[0];
      const row = read as AttemptStateRow;
      const state = {
        failures: Number(row.failures ?? 0),
        lockedUntil: row.locked_until == null ? null : new Date(Number(row.locked_until)),
      };
      let step = 0;
      const settled = settle(input, { ...state, totpSecret: row.secret }, (judged) => {
        step = judged;
        return consumable(input, row, judged);
      });
      const statements: Statements = [];
      let remaining = Number(row.codes);
      if (settled.outcome === 'verified') {
        const consume = consuming(s, input, row, step);
        // A step, code or counter that changed under another lock (a key rotation) is planned again.
        if (consume) statements.push(mustChange(consume));
        if (row.failures != null) statements.push(raw(s.clearAttempts.compiled(userId)));
        if (proof.kind !== 'setup') {
          statements.push(
            raw(s.markSessionVerified.compiled(userId, input.sessionId, at, verificationMethodOf(proof))),
          );
        }
        if (proof.kind === 'recovery') remaining -= 1;
      } else if (settled.outcome !== 'locked' && settled.outcome !== 'not_enrolled') {
        const lockedUntil = settled.lockedUntil ? settled.lockedUntil.getTime() : null;
        statements.push(raw(s.storeFailures.compiled(userId, settled.failures, lockedUntil, at)));
      }
      const result = answerOf(settled, remaining);
      const events = input.audit?.(result) ?? [];
      if (statements.length === 0 && events.length === 0) return { done: { ...result, events: [] } };
      return {
        asRead: () => allOf(s.stateAsRead(userId, row), ...consumableAsRead(db, input, row)),
        statements,
        audit: { events },
        answer: (stored) => ({ ...result, events: stored }),
      };
    },
  };
}
