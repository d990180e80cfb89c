import type { AttemptInput, AttemptResult } from '../attempts/settle.ts';
import type { AttemptState, AuditEvent } from '../model.ts';

/**
 * Challenge attempts under the back-off (the rules are `settle`'s, attempts/settle.ts).
 *
 * Atomic guarantees: `settleAttempt` judges concurrent attempts of one user one after
 * another, each on the count the previous ones left: no more are judged than the schedule
 * allows, and a proof is consumed by exactly one of them (a TOTP step never at or before the
 * last one consumed, a recovery code once, a WebAuthn counter moved once); it appends its
 * audit events with its change, or neither. Conformance: testing/attempts.ts.
 */
export interface AttemptStore {
  /** The user's consecutive failures and lock. */
  getAttempts(userId: string): Promise<AttemptState>;

  /**
   * Judges one challenge attempt under the back-off, all or nothing: while the user
   * is locked, changes nothing; otherwise a proof that holds is consumed (the TOTP
   * step after the last one used, or one unused recovery code), the failures
   * cleared and the session marked verified, and one that does not counts a
   * failure and sets the lock it earns (`settle` gives the rules). A verified session is
   * marked with the proof's method (`verificationMethodOf`); a WebAuthn proof that holds
   * also sets the credential's counter, backed-up state and last use.
   */
  settleAttempt(input: AttemptInput): Promise<AttemptResult & { events: AuditEvent[] }>;
}
