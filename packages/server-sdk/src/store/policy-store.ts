import type { PolicyRecord } from '../model.ts';
import type { AuditWrite } from './audit-store.ts';

/**
 * Accounts' MFA policies.
 *
 * Atomic guarantees: `putPolicy` writes only when the stored version equals
 * `expectedVersion`; of concurrent writers with the same expectation exactly one succeeds,
 * and it appends the audit events it is given with its change, or neither.
 * Conformance: testing/policy.ts.
 */
export interface PolicyStore {
  getPolicy(accountId: string): Promise<PolicyRecord | null>;
  /** Writes `policy` (whose `version` is `expectedVersion + 1`) if the stored version is `expectedVersion` (0: none stored). */
  putPolicy(policy: PolicyRecord, expectedVersion: number, audit?: AuditWrite): Promise<boolean>;
}
