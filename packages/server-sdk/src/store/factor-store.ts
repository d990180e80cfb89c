import type { Enrollment } from '../model.ts';
import type { AuditWrite } from './audit-store.ts';

/**
 * A user's factors as a whole, whatever their kind: which ones each user holds, and a reset.
 *
 * Atomic guarantees: `resetMfa` changes all it touches or nothing (the factors of every
 * kind, pending setups and open ceremonies, recovery codes, failures, sessions, devices and
 * the audit events it appends); `getEnrollments` moves with every write that adds or
 * removes a factor (the facts version, `MetaStore.factsVersion`). Conformance:
 * testing/factors.ts, testing/lifecycle.ts, testing/facts-version.ts.
 */
export interface FactorStore {
  /**
   * Which factors each of these users has (an app, WebAuthn credentials) and since when
   * (their oldest factor); absent: none. Reads no secret.
   */
  getEnrollments(userIds: readonly string[]): Promise<Map<string, Enrollment>>;
  /**
   * Removes all of the user's MFA (a reset): app, pending secret, WebAuthn credentials,
   * recovery codes, failed attempts, verified sessions and remembered devices, all or nothing. True when
   * an app or a credential existed.
   */
  resetMfa(userId: string, audit?: AuditWrite): Promise<boolean>;
}
