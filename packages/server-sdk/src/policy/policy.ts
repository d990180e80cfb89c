import { recordedChange } from '../core/audit.ts';
import type { MfaContext } from '../core/context.ts';
import { MfaError } from '../errors.ts';
import {
  type AllowedFactors,
  acceptedMethods,
  defaultPolicy,
  type FactorMethod,
  factorMethods,
  hasAccepted,
  type MembershipListing,
  type PolicyMode,
  type PolicyRecord,
  policyRequires,
} from '../model.ts';
import type { MustKeep } from '../store/store.ts';
import { countedReset, enforceFromProblem, isPending, memberDeadline } from './enforcement.ts';

export interface PolicyChange {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  /** Absent: the account keeps what it accepts. */
  allowedFactors?: AllowedFactors | undefined;
  /** Absent: the account keeps how long devices are remembered. */
  rememberDeviceDays?: number | undefined;
  /** A requiring policy's start date (absent or `null`: enforced at once). */
  enforceFrom?: Date | null | undefined;
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
    const enforceFrom = startDate(change, current, ctx.now());
    const next: PolicyRecord = {
      accountId,
      mode: change.mode,
      gracePeriodDays: change.gracePeriodDays,
      enforceAfterSso: change.enforceAfterSso,
      allowedFactors: change.allowedFactors ?? current.allowedFactors,
      rememberDeviceDays: change.rememberDeviceDays ?? current.rememberDeviceDays,
      enforceFrom,
      version: current.version + 1,
      updatedAt: ctx.now(),
      updatedBy: actorId,
    };
    const summary = (policy: PolicyRecord) => ({
      mode: policy.mode,
      gracePeriodDays: policy.gracePeriodDays,
      enforceAfterSso: policy.enforceAfterSso,
      allowedFactors: policy.allowedFactors,
      rememberDeviceDays: policy.rememberDeviceDays,
      enforceFrom: policy.enforceFrom?.toISOString() ?? null,
    });
    const written = await recordedChange(
      ctx,
      async (audit) => {
        const done = await ctx.store.putPolicy(next, current.version, audit);
        if (done) ctx.cache.rememberPolicy(next);
        return done;
      },
      {
        type: 'policy.updated',
        actorId,
        userId: null,
        accountId,
        before: summary(current),
        after: summary(next),
      },
    );
    if (written) {
      ctx.policySaved();
      return next;
    }
    if (change.version !== undefined) throw MfaError.of('version_conflict');
  }
  throw MfaError.of('version_conflict');
}

/**
 * The start date a change asks for, checked (`invalid_request` naming `enforceFrom`): only with
 * a requiring mode, after now and at most a year ahead, or the stored one sent back unchanged.
 */
function startDate(change: PolicyChange, current: PolicyRecord, now: Date): Date | null {
  const asked = change.enforceFrom ?? null;
  if (asked === null) return null;
  const problem =
    change.mode === 'optional'
      ? 'A start date goes with a policy that requires MFA.'
      : enforceFromProblem(asked, current.enforceFrom, now);
  if (problem === null) return asked;
  throw MfaError.of(
    'invalid_request',
    { details: [{ in: 'body', path: ['enforceFrom'], code: 'custom', message: problem }] },
    `The request body is not valid: ${problem}`,
  );
}

export interface RequiringAccount {
  accountId: string;
  accountName: string;
  /**
   * When the grace period ends (or ended) for a user without a factor the account accepts;
   * `null` before it began, or with such a factor.
   */
  deadline: Date | null;
  /** When an administrator's reset forfeited that grace period (`null`: none did, or no deadline). */
  resetAt: Date | null;
  /** The factors the account accepts. */
  accepts: FactorMethod[];
  /** A start date still ahead: nothing is required before it (`deadline` is then the one to come). */
  enforceFrom: Date | null;
}

/**
 * Accounts whose policy requires MFA of this user, with what each accepts and the grace
 * deadline where one runs (`methods`: the factors the user has).
 */
export async function requiredBy(
  ctx: MfaContext,
  userId: string,
  methods: readonly FactorMethod[],
): Promise<RequiringAccount[]> {
  const requiring: { listing: MembershipListing; policy: PolicyRecord }[] = [];
  for (const listing of await ctx.memberships(userId)) {
    const policy = await readPolicy(ctx, listing.accountId);
    if (policyRequires(policy.mode, listing.role)) requiring.push({ listing, policy });
  }
  return Promise.all(
    requiring.map(async ({ listing, policy }) => {
      const accepts = acceptedMethods(policy.allowedFactors);
      let deadline: Date | null = null;
      let resetAt: Date | null = null;
      const pending = isPending(policy, ctx.now());
      if (!hasAccepted(methods, accepts)) {
        const start = (await ctx.store.getGraceStarts(listing.accountId, [userId])).get(userId);
        // Before the start date, the deadline to come: counted from it (or from now, if later).
        const projected = pending ? { startedAt: ctx.now(), forfeitedAt: null } : undefined;
        const counted = start ?? projected;
        deadline = counted ? memberDeadline(policy, counted) : null;
        resetAt = start ? countedReset(policy, start) : null;
      }
      return {
        accountId: listing.accountId,
        accountName: listing.accountName,
        deadline,
        resetAt,
        accepts,
        enforceFrom: pending ? policy.enforceFrom : null,
      };
    }),
  );
}

/**
 * Before removing a factor: throws `mfa_required_by_policy` when the user, left with only
 * `remaining`, would hold no factor that an account requiring MFA of them (and satisfied by
 * `current`, the factors they hold now) accepts. Answers what the removal must leave, for the
 * store to judge again inside its write (`MustKeep`: the factors every such account accepts;
 * accepted sets nest, so one list serves them all), and the refusal to throw if it does not
 * hold there. Two removals at once each pass here; the store lets one of them through.
 */
export async function removalRule(
  ctx: MfaContext,
  userId: string,
  current: readonly FactorMethod[],
  remaining: readonly FactorMethod[],
): Promise<{ mustKeep: MustKeep | undefined; refusal: () => MfaError }> {
  const satisfied = (await requiredBy(ctx, userId, current)).filter((account) =>
    hasAccepted(current, account.accepts),
  );
  const refusal = (accounts = satisfied) => {
    const names = accounts.map((a) => a.accountName).join(', ');
    return MfaError.of(
      'mfa_required_by_policy',
      { accounts: accounts.map(({ accountId, accountName }) => ({ accountId, accountName })) },
      `Multi-factor authentication is required by ${names}.`,
    );
  };
  const refused = satisfied.filter((account) => !hasAccepted(remaining, account.accepts));
  if (refused.length > 0) throw refusal(refused);
  const mustKeep =
    satisfied.length === 0
      ? undefined
      : satisfied.reduce<FactorMethod[]>(
          (keep, account) => keep.filter((method) => account.accepts.includes(method)),
          [...factorMethods],
        );
  return { mustKeep, refusal: () => refusal() };
}
