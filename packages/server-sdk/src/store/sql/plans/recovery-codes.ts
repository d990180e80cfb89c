/** New recovery codes, as a plan. */
import type { Kysely } from 'kysely';
import type { AuditWrite } from '../../audit-store.ts';
import { trustChanges } from '../../trust-changes.ts';
import { audited, type Plan, writing } from '../plan.ts';
import type { Database } from '../schema.ts';
import { trustChangeStatements } from '../trust-change.ts';

/** The user's recovery codes replaced by `hashes` (a renewal: a trust change). */
export function replaceRecoveryCodesPlan(
  db: Kysely<Database>,
  userId: string,
  recoveryCodeHashes: readonly string[],
  write: AuditWrite | undefined,
  keepSessionId: string | undefined,
): Plan<void> {
  return writing(`user:${userId}`, {
    statements: trustChangeStatements(db, userId, trustChanges.codesRenewed, {
      recoveryCodeHashes,
      keepSessionId,
    }),
    audit: audited(write, undefined),
    answer: undefined,
  });
}
