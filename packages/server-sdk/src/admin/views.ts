import { sessionState } from '../access/step-up.ts';
import type { MfaContext } from '../core/context.ts';
import { recoveryCodesOutdated } from '../factors/recovery-code-renewal.ts';
import {
  type AuditEvent,
  graceDeadline,
  type MemberListing,
  type PolicyRecord,
  type Principal,
  policyRequires,
  type SsoIntegration,
} from '../model.ts';
import { readPolicy, requiredBy } from '../policy/policy.ts';

/** An account's policy as its settings show it: with SSO, who changed it, and how many members have MFA. */
export async function policyView(ctx: MfaContext, policy: PolicyRecord) {
  const [sso, members] = await Promise.all([ctx.sso(policy.accountId), ctx.members(policy.accountId)]);
  const enrolled = await countEnrolled(
    ctx,
    members.map((m) => m.userId),
  );
  const updater = policy.updatedBy ? members.find((m) => m.userId === policy.updatedBy) : undefined;
  return {
    policy,
    sso: sso as SsoIntegration | null,
    updatedByName: updater?.displayName ?? null,
    compliance: { members: members.length, enrolled },
  };
}

/**
 * How many of `userIds` have MFA: what this instance remembers of them (as the access
 * decision remembers it, for at most `policyCacheTtl`) and one store read for the rest,
 * whose answers it then remembers too. A count to show, never a decision.
 */
async function countEnrolled(ctx: MfaContext, userIds: readonly string[]): Promise<number> {
  const { enrolled } = ctx.cache;
  const nowMs = Date.now();
  let count = 0;
  const unknown: string[] = [];
  for (const userId of userIds) {
    const known = enrolled.get(userId, nowMs);
    if (known === undefined) unknown.push(userId);
    else if (known) count++;
  }
  if (unknown.length === 0) return count;
  const generation = ctx.cache.generation;
  const found = await ctx.store.getEnrollments(unknown);
  if (generation === ctx.cache.generation) {
    const at = Date.now();
    for (const userId of unknown) enrolled.set(userId, found.has(userId), at);
  }
  return count + found.size;
}

export interface MemberView extends MemberListing {
  enrolledAt: Date | null;
  /** When a member who must set up MFA loses access (`null`: not required, or their grace has not begun). */
  deadline: Date | null;
}

/** The account's members, each with when they set up MFA and, where the policy requires it, their deadline. */
export async function membersView(ctx: MfaContext, accountId: string): Promise<MemberView[]> {
  const [members, policy] = await Promise.all([ctx.members(accountId), readPolicy(ctx, accountId)]);
  const ids = members.map((m) => m.userId);
  const [enrolledAt, starts] = await Promise.all([
    ctx.store.getEnrollments(ids),
    ctx.store.getGraceStarts(accountId, ids),
  ]);
  return members.map((m) => {
    const since = enrolledAt.get(m.userId) ?? null;
    const start = starts.get(m.userId);
    const deadline =
      !since && start && policyRequires(policy.mode, m.role)
        ? graceDeadline(start, policy.gracePeriodDays)
        : null;
    return { ...m, enrolledAt: since, deadline };
  });
}

/** The account's audit events and those of its members' own MFA, newest first, a page at a time. */
export async function auditView(
  ctx: MfaContext,
  accountId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
  const members = await ctx.members(accountId);
  const events = await ctx.store.listAudit({
    accountId,
    userIds: members.map((m) => m.userId),
    ...(page.cursor === undefined ? {} : { beforeId: page.cursor }),
    limit: page.limit,
  });
  const last = events.at(-1);
  return { events, nextCursor: events.length === page.limit && last ? last.id : null };
}

/** The caller's own MFA across all their accounts (`GET /me`). */
export async function profileView(ctx: MfaContext, principal: Principal) {
  const { userId } = principal;
  const factor = await ctx.store.getFactor(userId);
  const [recoveryCodesRemaining, outdated, requiring, session] = await Promise.all([
    factor ? ctx.store.countRecoveryCodes(userId) : 0,
    factor ? recoveryCodesOutdated(ctx, userId) : false,
    requiredBy(ctx, userId, factor !== null),
    sessionState(ctx, principal),
  ]);
  return {
    userId,
    factorCreatedAt: factor?.createdAt ?? null,
    recoveryCodesRemaining,
    recoveryCodesOutdated: outdated,
    requiredBy: requiring,
    session,
  };
}
