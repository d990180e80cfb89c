import type { AuditWrite } from './audit-store.ts';

/**
 * Recovery codes, stored only as keyed hashes (`<key id>.<hash>`); a code is used through
 * `settleAttempt`.
 *
 * Atomic guarantees: `replaceRecoveryCodes` changes all it touches (the codes, the sessions
 * it ends, the devices it forgets, the registrations it discards) with its audit events, or
 * nothing. Conformance: testing/factors.ts, testing/attempts.ts.
 */
export interface RecoveryCodeStore {
  /**
   * Replaces all of the user's recovery codes, forgets the user's remembered devices and
   * ends every verified session of the user but `keepSessionId` (the one that asked), all
   * or nothing.
   */
  replaceRecoveryCodes(
    userId: string,
    hashes: readonly string[],
    audit?: AuditWrite,
    keepSessionId?: string,
  ): Promise<void>;
  countRecoveryCodes(userId: string): Promise<number>;
  /**
   * Users with unused recovery codes, counted by the key id their hashes begin
   * with (`<key id>.<hash>`): codes hashed under a key no longer configured stop working.
   */
  countRecoveryCodeUsersByKey(): Promise<Map<string, number>>;
  /** The key ids of the user's unused recovery codes (see `countRecoveryCodeUsersByKey`). */
  recoveryCodeKeys(userId: string): Promise<string[]>;
}
