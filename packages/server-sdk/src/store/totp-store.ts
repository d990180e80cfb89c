import type { PendingTotpRecord, SessionRecord, TotpFactorRecord } from '../model.ts';
import type { AuditWrite } from './audit-store.ts';
import type { MustKeep } from './must-keep.ts';

/**
 * The authenticator app (TOTP): the active factor and a pending setup.
 *
 * Atomic guarantees: `activateTotp` and `deleteTotp` change all they touch
 * or nothing (the sessions they end, the devices they forget, the audit events they append
 * included); each discards the user's pending setup and open WebAuthn registrations in its
 * transaction; `deleteTotp` given `mustKeep` removes nothing when the user would be left
 * without such a factor, judged inside its write. Conformance: testing/factors.ts,
 * testing/lifecycle.ts, testing/ceremonies.ts.
 */
export interface TotpStore {
  getTotpFactor(userId: string): Promise<TotpFactorRecord | null>;
  /**
   * Replaces the secret of an active factor (re-encryption under a newer key) if
   * it is still `expected`: a factor replaced meanwhile (a new enrollment) stays.
   * True when it wrote.
   */
  updateTotpSecret(userId: string, secret: string, expected: string): Promise<boolean>;
  /** Active factors' sealed secrets, by user id, the first `limit` after `after` (`null`: from the start). */
  listTotpSecrets(after: string | null, limit: number): Promise<{ userId: string; secret: string }[]>;

  putPendingTotp(pending: PendingTotpRecord): Promise<void>;
  getPendingTotp(userId: string): Promise<PendingTotpRecord | null>;
  /**
   * Makes the user's pending secret their factor: replaces any factor, sets the
   * recovery codes (`null`: keeps the user's codes as they are), removes the pending secret
   * and marks `session` verified, if given. When it replaces an app, it also ends every
   * verified session of the user (a session verified with a replaced factor is not verified
   * with this one) and forgets the user's remembered devices; a first app (a factor added)
   * keeps them. Returns false (and changes nothing)
   * when the pending secret is no longer the one given.
   */
  activateTotp(
    factor: TotpFactorRecord,
    pendingSecret: string,
    recoveryCodeHashes: readonly string[] | null,
    audit?: AuditWrite,
    session?: SessionRecord,
  ): Promise<boolean>;
  /**
   * Removes the user's app and pending secret, forgets the user's remembered devices and
   * ends every verified session of the user but `keepSessionId`; when no WebAuthn credential remains, the recovery codes
   * and failed attempts go too (the user has no MFA left). All or nothing; true when
   * an app existed (nothing is changed or audited otherwise).
   */
  deleteTotp(
    userId: string,
    audit?: AuditWrite,
    keepSessionId?: string,
    mustKeep?: MustKeep,
  ): Promise<boolean>;
}
