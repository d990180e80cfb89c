import { evaluate } from '../../access/evaluate.ts';
import { encodeMembersCursor, membersPage } from '../../admin/members-page.ts';
import { resetUser } from '../../admin/reset-user.ts';
import { auditView, policyView } from '../../admin/views.ts';
import type { MfaContext } from '../../core/context.ts';
import { defineRoute, iso } from '../../core/endpoint.ts';
import { emptyBody, noQuery } from '../../core/endpoint-schemas.ts';
import { userFactorMethods } from '../../core/user-state.ts';
import { MfaError } from '../../errors.ts';
import type { PolicyRecord } from '../../model.ts';
import { readPolicy, updatePolicy } from '../../policy/policy.ts';
import { deviceTokenOf } from '../device-cookie.ts';
import * as responses from '../response-schemas.ts';
import { accountParams, auditQuery, memberParams, membersQuery, policyUpdateBody } from '../schemas.ts';
import type { AccessResponse, AuditResponse, MembersResponse, PolicyResponse } from '../types.ts';

async function policyResponse(
  ctx: MfaContext,
  policy: PolicyRecord,
  canManage: boolean,
): Promise<PolicyResponse> {
  const view = await policyView(ctx, policy);
  return {
    accountId: policy.accountId,
    mode: policy.mode,
    gracePeriodDays: policy.gracePeriodDays,
    enforceAfterSso: policy.enforceAfterSso,
    allowedFactors: policy.allowedFactors,
    rememberDeviceDays: policy.rememberDeviceDays,
    enforceFrom: iso(policy.enforceFrom),
    version: policy.version,
    updatedAt: iso(policy.updatedAt),
    updatedBy: policy.updatedBy,
    updatedByName: view.updatedByName,
    sso: { enabled: view.sso !== null, provider: view.sso?.provider ?? null },
    canManage,
    compliance: view.compliance,
  };
}

/** The routes of an account: its policy, members, audit trail and the caller's access decision. */
export const accountRoutes = [
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/policy',
    summary: "The account's MFA policy, its SSO state and how many members have MFA",
    access: 'member',
    reachableWhenDenied: true,
    params: accountParams,
    query: noQuery,
    response: responses.policyResponse,
    errors: [],
    run: async ({ ctx, params, membership }): Promise<PolicyResponse> =>
      policyResponse(ctx, await readPolicy(ctx, params.accountId), membership?.role === 'admin'),
  }),
  defineRoute({
    method: 'PUT',
    path: '/accounts/:accountId/policy',
    summary: "Change the account's MFA policy",
    access: 'admin',
    params: accountParams,
    query: noQuery,
    body: policyUpdateBody,
    // Any change, switching MFA off included, needs an administrator who has MFA and just verified.
    stepUp: () => 'require_factor',
    response: responses.policyResponse,
    errors: ['step_up_required', 'version_conflict'],
    run: async ({ ctx, params, body, principal }): Promise<PolicyResponse> =>
      policyResponse(ctx, await updatePolicy(ctx, params.accountId, principal.userId, body), true),
  }),
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/members',
    summary:
      "A page of the account's members by display name, each with their MFA, filtered by status and a search, with the account's counts",
    access: 'admin',
    params: accountParams,
    query: membersQuery,
    response: responses.membersResponse,
    errors: [],
    run: async ({ ctx, params, query }): Promise<MembersResponse> => {
      const page = await membersPage(ctx, params.accountId, query);
      return {
        members: page.members.map((m) => ({
          userId: m.userId,
          displayName: m.displayName,
          email: m.email,
          role: m.role,
          enrolled: m.enrolled,
          methods: m.methods,
          enrolledAt: iso(m.enrolledAt),
          deadline: iso(m.deadline),
          overdue: m.overdue,
          resetAt: iso(m.resetAt),
          lastRemindedAt: iso(m.lastRemindedAt),
        })),
        nextCursor: page.nextCursor ? encodeMembersCursor(page.nextCursor) : null,
        counts: page.counts,
        reminders: {
          lastSentAt: iso(page.reminders.lastSentAt),
          nextAllowedAt: iso(page.reminders.nextAllowedAt),
        },
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/accounts/:accountId/members/:userId/mfa',
    summary: "Reset a member's MFA (lost phone)",
    access: 'admin',
    params: memberParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'require_factor',
    response: responses.resetResponse,
    errors: ['step_up_required', 'shared_member', 'not_enrolled'],
    run: async ({ ctx, params, principal }) => {
      const target = await ctx.membership(params.userId, params.accountId);
      if (!target) throw MfaError.of('not_member', {}, 'That user is not a member of this account.');
      const others = (await ctx.memberships(params.userId)).filter((m) => m.accountId !== params.accountId);
      if (others.length > 0) throw MfaError.of('shared_member');
      if ((await userFactorMethods(ctx, params.userId)).length === 0) throw MfaError.of('not_enrolled');
      await resetUser(ctx, params.userId, principal.userId, params.accountId);
      return { reset: true };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/audit',
    summary: "The account's audit events and those of its members' own MFA, newest first",
    access: 'admin',
    params: accountParams,
    query: auditQuery,
    response: responses.auditResponse,
    errors: [],
    run: async ({ ctx, params, query }): Promise<AuditResponse> => {
      const page = await auditView(ctx, params.accountId, query);
      return {
        events: page.events.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: page.nextCursor,
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/access',
    summary: "The caller's access decision for the account",
    access: 'member',
    reachableWhenDenied: true,
    params: accountParams,
    query: noQuery,
    response: responses.accessResponse,
    errors: [],
    run: async ({ c, ctx, params, principal, membership }): Promise<AccessResponse> => {
      const decision = await evaluate(ctx, principal, params.accountId, membership, deviceTokenOf(c, ctx));
      if (decision.reason === 'unavailable') throw MfaError.of('unavailable');
      return {
        allow: decision.allow,
        reason: decision.reason,
        ...(decision.deadline ? { deadline: decision.deadline.toISOString() } : {}),
        ...(decision.accepts ? { accepts: decision.accepts } : {}),
        ...(decision.enforceFrom ? { enforceFrom: decision.enforceFrom.toISOString() } : {}),
      };
    },
  }),
];
