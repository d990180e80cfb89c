import { auditWrite } from '../core/audit.ts';
import type { MfaContext } from '../core/context.ts';
import { MfaError } from '../errors.ts';
import {
  defaultPolicy,
  graceDeadline,
  type MembershipListing,
  type PolicyMode,
  type PolicyRecord,
  policyRequires,
} from '../model.ts';

export interface PolicyChange {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  version?: number | undefined;
}

/** The account's policy (the default one when none was written), from the cache when it is fresh enough. */
export function readPolicy(ctx: MfaContext, accountId: string): PolicyRecord | Promise<PolicyRecord> {
  return ctx.cache.policies.get(accountId, Date.now()) ?? loadPolicy(ctx, accountId);
}

/** The account's policy from the store (one read for concurrent misses), then remembered. */
export function loadPolicy(ctx: MfaContext, accountId: string): Promise<PolicyRecord> {
  return ctx.cache.singleFlight(`policy\u0000${accountId}`, async () => {
    const policy = (await ctx.store.getPolicy(accountId)) ?? defaultPolicy(accountId);
    ctx.cache.rememberPolicy(policy);
    return policy;
  });
}

/**
 * Writes a new version of the account's policy, audited in the same transaction.
 * With `change.version`, only over that version (else `version_conflict`); without,
 * over whatever is stored, retried a few times against concurrent writers.
 */
export async function updatePolicy(
  ctx: MfaContext,
  accountId: string,
  actorId: string,
  change: PolicyChange,
): Promise<PolicyRecord> {
  for (let tries = 0; tries < 5; tries++) {
    const current = (await ctx.store.getPolicy(accountId)) ?? defaultPolicy(accountId);
    if (change.version !== undefined && change.version !== current.version)
      throw MfaError.of('version_conflict');
    const next: PolicyRecord = {
      accountId,
      mode: change.mode,
      gracePeriodDays: change.gracePeriodDays,
      enforceAfterSso: change.enforceAfterSso,
      version: current.version + 1,
      updatedAt: ctx.now(),
      updatedBy: actorId,
    };
    const summary = ({ mode, gracePeriodDays, enforceAfterSso }: PolicyRecord) => ({
      mode,
      gracePeriodDays,
      enforceAfterSso,
    });
    const audit = auditWrite(ctx, {
      type: 'policy.updated',
      actorId,
      userId: null,
      accountId,
      before: summary(current),
      after: summary(next),
    });
    if (await ctx.store.putPolicy(next, current.version, audit)) {
      ctx.cache.rememberPolicy(next);
      await audit.publish();
      return next;
    }
    if (change.version !== undefined) throw MfaError.of('version_conflict');
  }
  throw MfaError.of('version_conflict');
}

export interface RequiringAccount {
  accountId: string;
  accountName: string;
  /** When the grace period ends (or ended) for a user without MFA; `null` before it began, or with MFA. */
  deadline: Date | null;
}

/** Accounts whose policy requires MFA of this user, with the grace deadline where one runs. */
export async function requiredBy(
  ctx: MfaContext,
  userId: string,
  enrolled: boolean,
): Promise<RequiringAccount[]> {
  const requiring: { listing: MembershipListing; policy: PolicyRecord }[] = [];
  for (const listing of await ctx.memberships(userId)) {
    const policy = await readPolicy(ctx, listing.accountId);
    if (policyRequires(policy.mode, listing.role)) requiring.push({ listing, policy });
  }
  return Promise.all(
    requiring.map(async ({ listing, policy }) => {
      let deadline: Date | null = null;
      if (!enrolled) {
        const start = (await ctx.store.getGraceStarts(listing.accountId, [userId])).get(userId);
        deadline = start ? graceDeadline(start, policy.gracePeriodDays) : null;
      }
      return { accountId: listing.accountId, accountName: listing.accountName, deadline };
    }),
  );
}
