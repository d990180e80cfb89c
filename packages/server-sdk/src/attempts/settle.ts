import type { AttemptState, AuditEventInput, VerificationMethod } from '../model.ts';

/** The back-off schedule the store applies when it counts a failure. */
export interface LockSchedule {
  /** Failures after which every further failure locks the user (5). */
  threshold: number;
  /** Lock after the `threshold`-th failure, in ms; doubles with each failure after it (30 000). */
  baseMs: number;
  /** The longest lock, in ms (3 600 000). */
  capMs: number;
}

/** Lock length after `failures` consecutive failures (0 below the threshold). */
export function lockDurationMs(failures: number, schedule: LockSchedule): number {
  if (failures < schedule.threshold) return 0;
  const exponent = failures - schedule.threshold;
  // 2^exponent overflows nothing here: past ~20 doublings every schedule is at its cap.
  return exponent > 30 ? schedule.capMs : Math.min(schedule.capMs, schedule.baseMs * 2 ** exponent);
}

/** What a challenge offers, already checked against what the caller could check alone. */
export type AttemptProof =
  /**
   * A TOTP code, judged inside the settling transaction on the app as the store reads it
   * there: `match` is given the factor's sealed secret and answers the time step the code is
   * for (`null`: none of the steps tried). It is synchronous, and called only when the attempt
   * is judged (not while the user is locked, nor past `failureLimit`); without an app the
   * attempt is `not_enrolled` and nothing is written.
   */
  | { kind: 'totp'; failureLimit: number; match: (sealedSecret: string) => number | null }
  /**
   * A code confirming a pending setup, judged by the caller (`valid`): nothing is consumed
   * (the setup's activation is), and no session is marked verified (the activation marks it).
   */
  | { kind: 'setup'; valid: boolean; failureLimit: number }
  /** A recovery code as its keyed hashes under every configured key (none: not shaped like a code). */
  | { kind: 'recovery'; hashes: readonly string[] }
  /**
   * A WebAuthn assertion, judged by the caller against the credential as read: `invalid` (a bad
   * signature, origin, rpId, or a credential that is not the user's), `counter_regressed` (a
   * signature counter at or below the stored one, when either is not 0: a cloned authenticator
   * or a replay, refused as `replayed`), or `valid`. A valid one is consumed by moving the
   * credential's counter from `expectedCounter` (as read) to `counter`, so of two assertions
   * judged on the same read only one verifies.
   */
  | {
      kind: 'webauthn';
      verdict: 'valid' | 'invalid' | 'counter_regressed';
      credentialId: string;
      expectedCounter: number;
      counter: number;
      backedUp: boolean;
    };

/** The method a session verified with this proof is verified with (a setup marks no session). */
export function verificationMethodOf(proof: AttemptProof): VerificationMethod {
  return proof.kind === 'setup' ? 'totp' : proof.kind;
}

export interface AttemptInput {
  userId: string;
  /** The session marked verified, at `now`, when the proof holds. */
  sessionId: string;
  now: Date;
  schedule: LockSchedule;
  proof: AttemptProof;
  /**
   * The audit events the result calls for, appended in the same transaction as the
   * change they record (so a failure between them cannot keep one without the other).
   */
  audit?: (result: AttemptResult) => AuditEventInput[];
}

/**
 * How an attempt was settled:
 * - `not_enrolled`: an app code from a user without an app; nothing was judged or changed;
 * - `locked`: the user was locked at `now`; nothing was judged or changed;
 * - `verified`: the proof held and was consumed, the failures cleared, the session marked;
 * - `invalid`: wrong code; `replayed`: a TOTP step at or before the last one used;
 *   `refused`: a TOTP code after `failureLimit` consecutive failures, judged as wrong whatever
 *   it was. Each counts a failure (`failures`, the new count) and sets the lock it earns.
 */
export type AttemptResult =
  | { outcome: 'not_enrolled' }
  | { outcome: 'locked'; lockedUntil: Date }
  | { outcome: 'verified'; recoveryCodesRemaining: number }
  | { outcome: 'invalid' | 'replayed' | 'refused'; failures: number };

/** `settle`'s verdict; a failure carries the failures and lock to store. */
export type Settlement =
  | { outcome: 'not_enrolled' }
  | { outcome: 'locked'; lockedUntil: Date }
  | { outcome: 'verified' }
  | { outcome: 'invalid' | 'replayed' | 'refused'; failures: number; lockedUntil: Date | null };

/** What an attempt is judged by: the user's failures and lock, and for an app code the app's sealed secret (`null`: none). */
export interface JudgedState extends AttemptState {
  totpSecret?: string | null;
}

/**
 * The rules of `settleAttempt`, for a store to run inside its transaction: given the
 * user's failures and lock as they stand (and the app's secret, for an app code), and
 * `consume`, which consumes the proof (an app code: its `step`) and says whether it held.
 * Shared by the stores so that they judge alike.
 */
export function settle(
  input: AttemptInput,
  state: JudgedState,
  consume: (step: number) => boolean,
): Settlement;
export function settle(
  input: AttemptInput,
  state: JudgedState,
  consume: (step: number) => Promise<boolean>,
): Promise<Settlement>;
export function settle(
  input: AttemptInput,
  state: JudgedState,
  consume: (step: number) => boolean | Promise<boolean>,
): Settlement | Promise<Settlement> {
  const { now, schedule, proof } = input;
  if (proof.kind === 'totp' && !state.totpSecret) return { outcome: 'not_enrolled' };
  if (state.lockedUntil && state.lockedUntil.getTime() > now.getTime()) {
    return { outcome: 'locked', lockedUntil: state.lockedUntil };
  }
  const fail = (outcome: 'invalid' | 'replayed' | 'refused'): Settlement => {
    const failures = state.failures + 1;
    const lockMs = lockDurationMs(failures, schedule);
    return { outcome, failures, lockedUntil: lockMs > 0 ? new Date(now.getTime() + lockMs) : null };
  };
  // App codes (and a setup's) can be guessed: past the limit only a recovery code verifies.
  // A WebAuthn assertion cannot be guessed, and is not refused by the limit.
  if ((proof.kind === 'totp' || proof.kind === 'setup') && state.failures >= proof.failureLimit) {
    return fail('refused');
  }
  // An app code is judged only now, on the secret read with the state.
  const step = proof.kind === 'totp' ? proof.match(state.totpSecret as string) : 0;
  const judgedWrong =
    proof.kind === 'totp'
      ? step === null
      : proof.kind === 'setup'
        ? !proof.valid
        : proof.kind === 'webauthn'
          ? proof.verdict === 'invalid'
          : proof.hashes.length === 0;
  if (judgedWrong) return fail('invalid');
  if (proof.kind === 'webauthn' && proof.verdict === 'counter_regressed') return fail('replayed');
  if (proof.kind === 'setup') return { outcome: 'verified' };
  const judge = (held: boolean): Settlement =>
    held ? { outcome: 'verified' } : fail(proof.kind === 'recovery' ? 'invalid' : 'replayed');
  const held = consume(step as number);
  return typeof held === 'boolean' ? judge(held) : held.then(judge);
}
