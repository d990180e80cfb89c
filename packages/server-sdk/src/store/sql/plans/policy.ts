/** An account's policy written, as a plan. */
import type { Kysely } from 'kysely';
import type { PolicyRecord } from '../../../model.ts';
import type { AuditWrite } from '../../audit-store.ts';
import { absent, audited, type Plan, present, writing } from '../plan.ts';
import type { Database } from '../schema.ts';
import { policyWrite } from '../write-statements.ts';

/** `policy` written while the stored one is at `expectedVersion` (0: while there is none). */
export function putPolicyPlan(
  db: Kysely<Database>,
  policy: PolicyRecord,
  expectedVersion: number,
  write: AuditWrite | undefined,
): Plan<boolean> {
  const stored = db
    .selectFrom('mfa_policies')
    .select('account_id')
    .where('account_id', '=', policy.accountId);
  return writing(`account:${policy.accountId}`, {
    check: expectedVersion === 0 ? absent(stored) : present(stored.where('version', '=', expectedVersion)),
    statements: [policyWrite(db, policy, expectedVersion)],
    audit: audited(write, true),
    answer: true,
    otherwise: false,
  });
}
