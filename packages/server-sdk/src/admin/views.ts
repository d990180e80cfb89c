import type { PolicySummary } from '../core/access-cache.ts';
import type { MfaContext } from '../core/context.ts';
import { sessionState } from '../core/user-state.ts';
import { presentedDevice, rememberDeviceAllowance } from '../devices/remembered-devices.ts';
import { recoveryCodesOutdated } from '../factors/recovery-codes/renewal.ts';
import { type FactorResponse, secondFactors } from '../factors/registry.ts';
import {
  type AuditEvent,
  acceptedMethods,
  type FactorMethod,
  factorKinds,
  factorMethods,
  hasAccepted,
  type PolicyRecord,
  type Principal,
  type SsoIntegration,
} from '../model.ts';
import { requiredBy } from '../policy/policy.ts';

/** An account's policy as its settings show it: with SSO, who changed it, and how many members have MFA. */
export async function policyView(ctx: MfaContext, policy: PolicyRecord) {
  const { policySummaries } = ctx.cache;
  const { generation } = ctx.cache;
  const made = `${generation}:${policy.version}`;
  const known = policySummaries.get(policy.accountId, Date.now());
  if (known?.made === made) return { policy, ...known.summary };
  const summary = await policySummary(ctx, policy);
  // Not after a write of this instance meanwhile: the next read makes it anew.
  if (generation === ctx.cache.generation)
    policySummaries.set(policy.accountId, { made, summary }, Date.now());
  return { policy, ...summary };
}

async function policySummary(ctx: MfaContext, policy: PolicyRecord): Promise<PolicySummary> {
  const [sso, members] = await Promise.all([ctx.sso(policy.accountId), ctx.members(policy.accountId)]);
  const methods = await factorMethodsOf(
    ctx,
    members.map((m) => m.userId),
  );
  const accepts = acceptedMethods(policy.allowedFactors);
  const updater = policy.updatedBy ? members.find((m) => m.userId === policy.updatedBy) : undefined;
  const count = (test: (has: readonly FactorMethod[]) => boolean) => methods.filter(test).length;
  return {
    sso: sso as SsoIntegration | null,
    updatedByName: updater?.displayName ?? null,
    compliance: {
      members: members.length,
      enrolled: count((has) => has.length > 0),
      withAcceptedMethod: count((has) => hasAccepted(has, accepts)),
      phishingResistant: count((has) => has.some((method) => factorKinds[method].phishingResistant)),
    },
  };
}

/**
 * Which factors each of `userIds` has, in their order: what this instance remembers of
 * them (as the access decision remembers it, for at most `policyCacheTtl`) and one store
 * read for the rest, whose answers it then remembers too. For counts to show, never a decision.
 */
async function factorMethodsOf(
  ctx: MfaContext,
  userIds: readonly string[],
): Promise<(readonly FactorMethod[])[]> {
  const { methods } = ctx.cache;
  const nowMs = Date.now();
  const known = userIds.map((userId) => methods.get(userId, nowMs));
  const unknown = userIds.filter((_, i) => known[i] === undefined);
  if (unknown.length === 0) return known as (readonly FactorMethod[])[];
  const generation = ctx.cache.generation;
  const found = await ctx.store.getEnrollments(unknown);
  const read = (userId: string) => found.get(userId)?.methods ?? [];
  if (generation === ctx.cache.generation) {
    const at = Date.now();
    for (const userId of unknown) methods.set(userId, read(userId), at);
  }
  return userIds.map((userId, i) => known[i] ?? read(userId));
}

/** The account's audit events and those of its members' own MFA, newest first, a page at a time, with the names of who did it and whom it concerns (`null` once they are no longer members). */
export async function auditView(
  ctx: MfaContext,
  accountId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{
  events: (AuditEvent & { actorName: string | null; userName: string | null })[];
  nextCursor: string | null;
}> {
  const members = await ctx.members(accountId);
  const events = await ctx.store.listAudit({
    accountId,
    userIds: members.map((m) => m.userId),
    ...(page.cursor === undefined ? {} : { beforeId: page.cursor }),
    limit: page.limit,
  });
  const names = new Map(members.map((m) => [m.userId, m.displayName]));
  const nameOf = (userId: string | null) => (userId === null ? null : (names.get(userId) ?? null));
  const last = events.at(-1);
  return {
    events: events.map((e) => ({ ...e, actorName: nameOf(e.actorId), userName: nameOf(e.userId) })),
    nextCursor: events.length === page.limit && last ? last.id : null,
  };
}

/**
 * The caller's own MFA across all their accounts (`GET /me`). A session a remembered device
 * let in counts as verified only while that device (`deviceToken`, the request's cookie)
 * is presented, the user's own and not expired.
 */
export async function profileView(ctx: MfaContext, principal: Principal, deviceToken?: string) {
  const { userId } = principal;
  // Each kind's factors as its folder lists them, in `factorMethods`' order.
  const listed = await Promise.all(
    factorMethods.map((method): Promise<FactorResponse[]> => secondFactors[method].listFactors(ctx, userId)),
  );
  const methods = factorMethods.filter((_, i) => (listed[i]?.length ?? 0) > 0);
  const factors = listed.flat();
  const enrolled = methods.length > 0;
  const [recoveryCodesRemaining, outdated, requiring, state, rememberDeviceDays, attempts] =
    await Promise.all([
      enrolled ? ctx.store.countRecoveryCodes(userId) : 0,
      enrolled ? recoveryCodesOutdated(ctx, userId) : false,
      requiredBy(ctx, userId, methods),
      sessionState(ctx, principal),
      rememberDeviceAllowance(ctx, userId),
      enrolled ? ctx.store.getAttempts(userId) : null,
    ]);
  const locked = attempts?.lockedUntil;
  let session = state;
  if (state.verified && state.method === 'remembered_device') {
    const device = await presentedDevice(ctx, userId, deviceToken);
    const live = device !== null && device.expiresAt.getTime() > ctx.now().getTime();
    session = { ...state, verified: live };
  }
  return {
    userId,
    factors,
    recoveryCodesRemaining,
    recoveryCodesOutdated: outdated,
    requiredBy: requiring,
    rememberDeviceDays,
    session,
    /** Until when wrong codes paused the challenge (`null`: it is not paused). */
    lockedUntil: locked && locked.getTime() > ctx.now().getTime() ? locked : null,
  };
}
