/**
 * The back-off as the capabilities meet it: its numbers, the lock checked before anything is
 * judged, an attempt settled in the store (judged, consumed, audited in one transaction) and
 * the refusal a failed one answers. The rules the store runs inside that transaction are in
 * settle.ts.
 */
import { publishEvents } from '../core/audit.ts';
import type { MfaContext } from '../core/context.ts';
import { MfaError } from '../errors.ts';
import type { AuditEventInput } from '../model.ts';
import {
  type AttemptProof,
  type AttemptResult,
  type LockSchedule,
  lockDurationMs,
  verificationMethodOf,
} from './settle.ts';

/** Consecutive failures before the back-off starts, its first lock, its cap (DESIGN: security rules). */
export const LOCK_SCHEDULE: LockSchedule = { threshold: 5, baseMs: 30_000, capMs: 3_600_000 };
/** After this many consecutive failures app codes are refused until a recovery code is used. */
export const TOTP_FAILURE_LIMIT = 100;

/** `too_many_attempts`, with the seconds until `lockedUntil` (at least 1). */
export function tooManyAttempts(lockedUntil: Date, now: Date): MfaError {
  const retryAfterSeconds = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
  return MfaError.of('too_many_attempts', { retryAfterSeconds });
}

/**
 * Throws `too_many_attempts` while the user is locked at `now`: a locked user is
 * refused before any secret is opened or code computed (the settling transaction
 * checks again, atomically, for attempts that raced past this).
 */
export async function refuseIfLocked(ctx: MfaContext, userId: string, now: Date): Promise<void> {
  refuseWhileLocked((await ctx.store.getAttempts(userId)).lockedUntil, now);
}

/** Throws `too_many_attempts` while `lockedUntil` is after `now`: nothing is judged (the settling transaction checks again). */
export function refuseWhileLocked(lockedUntil: Date | null, now: Date): void {
  if (lockedUntil && lockedUntil.getTime() > now.getTime()) throw tooManyAttempts(lockedUntil, now);
}

/** The method a proof is made with, as audit events name it (a setup is confirmed with an app code). */
const methodOf = (proof: AttemptProof) => verificationMethodOf(proof);

/** The audit events an attempt's result calls for (none for a lock or a verification with an app code). */
export function attemptEvents(
  userId: string,
  proof: AttemptProof,
  result: AttemptResult,
  at: Date,
): AuditEventInput[] {
  const event = (type: AuditEventInput['type'], before: unknown, after: unknown): AuditEventInput => ({
    type,
    actorId: userId,
    userId,
    accountId: null,
    before,
    after,
    at,
  });
  if (result.outcome === 'locked' || result.outcome === 'not_enrolled') return [];
  if (result.outcome === 'verified') {
    const remaining = result.recoveryCodesRemaining;
    return proof.kind === 'recovery'
      ? [event('recovery_code.used', { remaining: remaining + 1 }, { remaining })]
      : [];
  }
  const { failures } = result;
  const lockMs = lockDurationMs(failures, LOCK_SCHEDULE);
  const type = result.outcome === 'replayed' ? 'challenge.replayed' : 'challenge.failed';
  const method = methodOf(proof);
  // A signature counter that did not move on: a cloned authenticator, or an assertion replayed.
  const counter =
    proof.kind === 'webauthn' && proof.verdict === 'counter_regressed'
      ? { credentialId: proof.credentialId, reason: 'counter_regressed' }
      : {};
  return [
    event(type, null, { failures, kind: method, method, ...counter }),
    ...(lockMs > 0 ? [event('challenge.locked', null, { failures, lockedForSeconds: lockMs / 1000 })] : []),
  ];
}

/** `invalid_code` for a refused attempt, with what the user may do next. */
export function refusal(
  proof: AttemptProof,
  outcome: 'invalid' | 'replayed' | 'refused',
  failures: number,
): MfaError {
  const lockMs = lockDurationMs(failures, LOCK_SCHEDULE);
  const refused = outcome === 'refused';
  const extra = {
    attemptsLeft: Math.max(0, LOCK_SCHEDULE.threshold - failures),
    ...(lockMs > 0 ? { retryAfterSeconds: lockMs / 1000 } : {}),
    ...(refused || ((proof.kind === 'totp' || proof.kind === 'setup') && failures >= TOTP_FAILURE_LIMIT)
      ? { recoveryCodeRequired: true }
      : {}),
  };
  if (proof.kind === 'webauthn') return MfaError.of('invalid_credential', extra);
  return MfaError.of(
    'invalid_code',
    extra,
    refused ? 'Too many failed attempts: verify with a recovery code.' : undefined,
  );
}

/**
 * Settles one attempt in the store (one transaction: judged under the back-off,
 * consumed, audited) and hands its events to `onEvent`; throws `too_many_attempts`
 * or `invalid_code` unless it verified.
 */
export async function settle(
  ctx: MfaContext,
  input: { userId: string; sessionId: string; now: Date; proof: AttemptProof },
): Promise<{ recoveryCodesRemaining: number }> {
  const { userId, now, proof } = input;
  const result = await ctx.store.settleAttempt({
    ...input,
    schedule: LOCK_SCHEDULE,
    audit: (settled) => attemptEvents(userId, proof, settled, now),
  });
  await publishEvents(ctx, result.events);
  if (result.outcome === 'not_enrolled') throw MfaError.of('not_enrolled');
  if (result.outcome === 'locked') throw tooManyAttempts(result.lockedUntil, now);
  if (result.outcome !== 'verified') throw refusal(proof, result.outcome, result.failures);
  return { recoveryCodesRemaining: result.recoveryCodesRemaining };
}
