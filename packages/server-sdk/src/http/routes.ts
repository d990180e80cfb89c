import { graceDeadline, type PolicyRecord, policyRequires } from '../model.ts';
import type { MfaService } from '../service.ts';
import { MfaError } from './errors.ts';
import * as responses from './response-schemas.ts';
import { defineRoute, type RouteDef } from './route.ts';
import {
  accountParams,
  auditQuery,
  challengeBody,
  confirmBody,
  emptyBody,
  memberParams,
  noParams,
  noQuery,
  policyUpdateBody,
} from './schemas.ts';
import type {
  AccessResponse,
  AuditResponse,
  ChallengeResponse,
  MembersResponse,
  MeResponse,
  PolicyResponse,
  RecoveryCodesResponse,
  TotpSetupResponse,
} from './types.ts';

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

async function policyResponse(
  service: MfaService,
  policy: PolicyRecord,
  canManage: boolean,
): Promise<PolicyResponse> {
  const [sso, members] = await Promise.all([
    service.sso(policy.accountId),
    service.members(policy.accountId),
  ]);
  const factors = await service.io(() => service.store.getFactors(members.map((m) => m.userId)));
  const updater = policy.updatedBy ? members.find((m) => m.userId === policy.updatedBy) : undefined;
  return {
    accountId: policy.accountId,
    mode: policy.mode,
    gracePeriodDays: policy.gracePeriodDays,
    enforceAfterSso: policy.enforceAfterSso,
    version: policy.version,
    updatedAt: iso(policy.updatedAt),
    updatedBy: policy.updatedBy,
    updatedByName: updater?.displayName ?? null,
    sso: { enabled: sso !== null, provider: sso?.provider ?? null },
    canManage,
    compliance: { members: members.length, enrolled: factors.length },
  };
}

/** Every endpoint of the HTTP API (DESIGN.md, "HTTP API"), in the order of that table. */
export const routes: readonly RouteDef[] = [
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
    run: async ({ service, params, membership }): Promise<PolicyResponse> =>
      policyResponse(service, await service.policy(params.accountId), membership?.role === 'admin'),
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
    run: async ({ service, params, body, principal }): Promise<PolicyResponse> => {
      const policy = await service.updatePolicy(params.accountId, principal.userId, body);
      return policyResponse(service, policy, true);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/accounts/:accountId/members',
    summary: 'The members of the account and whether each has MFA',
    access: 'admin',
    params: accountParams,
    query: noQuery,
    response: responses.membersResponse,
    errors: [],
    run: async ({ service, params }): Promise<MembersResponse> => {
      const [members, policy] = await Promise.all([
        service.members(params.accountId),
        service.policy(params.accountId),
      ]);
      const ids = members.map((m) => m.userId);
      const [factors, starts] = await Promise.all([
        service.io(() => service.store.getFactors(ids)),
        service.io(() => service.store.getGraceStarts(params.accountId, ids)),
      ]);
      const enrolledAt = new Map(factors.map((f) => [f.userId, f.createdAt]));
      return {
        members: members.map((m) => {
          const since = enrolledAt.get(m.userId);
          const start = starts.get(m.userId);
          const deadline =
            !since && start && policyRequires(policy.mode, m.role)
              ? graceDeadline(start, policy.gracePeriodDays)
              : null;
          return {
            userId: m.userId,
            displayName: m.displayName,
            email: m.email,
            role: m.role,
            enrolled: since !== undefined,
            enrolledAt: iso(since),
            deadline: iso(deadline),
          };
        }),
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
    run: async ({ service, params, principal }) => {
      const target = await service.membership(params.userId, params.accountId);
      if (!target) throw MfaError.of('not_member', {}, 'That user is not a member of this account.');
      const others = (await service.memberships(params.userId)).filter(
        (m) => m.accountId !== params.accountId,
      );
      if (others.length > 0) throw MfaError.of('shared_member');
      if (!(await service.io(() => service.store.getFactor(params.userId))))
        throw MfaError.of('not_enrolled');
      await service.resetUser(params.userId, principal.userId, params.accountId);
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
    run: async ({ service, params, query }): Promise<AuditResponse> => {
      const members = await service.members(params.accountId);
      const events = await service.io(() =>
        service.store.listAudit({
          accountId: params.accountId,
          userIds: members.map((m) => m.userId),
          ...(query.cursor === undefined ? {} : { beforeId: query.cursor }),
          limit: query.limit,
        }),
      );
      const last = events.at(-1);
      return {
        events: events.map((e) => ({ ...e, at: e.at.toISOString() })),
        nextCursor: events.length === query.limit && last ? last.id : null,
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
    run: async ({ service, params, principal, membership }): Promise<AccessResponse> => {
      const decision = await service.evaluate(principal, params.accountId, membership);
      if (decision.reason === 'unavailable') throw MfaError.of('unavailable');
      return {
        allow: decision.allow,
        reason: decision.reason,
        ...(decision.deadline ? { deadline: decision.deadline.toISOString() } : {}),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/me',
    summary: "The caller's own MFA across all their accounts",
    access: 'user',
    params: noParams,
    query: noQuery,
    response: responses.meResponse,
    errors: [],
    run: async ({ service, principal }): Promise<MeResponse> => {
      const { userId } = principal;
      const factor = await service.io(() => service.store.getFactor(userId));
      const [remaining, outdated, requiredBy, session] = await Promise.all([
        factor ? service.io(() => service.store.countRecoveryCodes(userId)) : 0,
        factor ? service.recoveryCodesOutdated(userId) : false,
        service.requiredBy(userId, factor !== null),
        service.sessionState(principal),
      ]);
      return {
        userId,
        enrolled: factor !== null,
        factors: factor ? [{ type: 'totp', createdAt: factor.createdAt.toISOString() }] : [],
        recoveryCodesRemaining: remaining,
        recoveryCodesOutdated: outdated,
        requiredBy: requiredBy.map((r) => ({ ...r, deadline: iso(r.deadline) })),
        session: { verified: session.verified, verifiedAt: iso(session.verifiedAt) },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/me/totp/setup',
    summary: 'Start setting up an authenticator app: a pending secret, its URI and QR code',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'if_enrolled',
    response: responses.totpSetupResponse,
    errors: ['step_up_required'],
    run: async ({ service, principal }): Promise<TotpSetupResponse> => {
      const setup = await service.setupTotp(principal);
      return { ...setup, expiresAt: setup.expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/me/totp/confirm',
    summary: 'Confirm the pending setup with a code; answers the recovery codes, once',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: confirmBody,
    response: responses.recoveryCodesResponse,
    errors: ['not_enrolled', 'invalid_code', 'too_many_attempts'],
    run: async ({ service, principal, body }): Promise<RecoveryCodesResponse> => ({
      recoveryCodes: await service.confirmTotp(principal, body.code),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/me/totp',
    summary: "Remove the caller's authenticator app",
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'if_enrolled',
    response: responses.unenrolledResponse,
    errors: ['step_up_required', 'not_enrolled', 'mfa_required_by_policy'],
    run: async ({ service, principal }) => {
      await service.removeTotp(principal);
      return { enrolled: false };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/me/recovery-codes',
    summary: 'Replace the recovery codes; the old ones stop working',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'if_enrolled',
    response: responses.recoveryCodesResponse,
    errors: ['step_up_required', 'not_enrolled'],
    run: async ({ service, principal }): Promise<RecoveryCodesResponse> => ({
      recoveryCodes: await service.regenerateRecoveryCodes(principal),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/challenge',
    summary: 'Verify the session with a code or a recovery code',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: challengeBody,
    response: responses.challengeResponse,
    errors: ['not_enrolled', 'invalid_code', 'too_many_attempts'],
    run: async ({ service, principal, body }): Promise<ChallengeResponse> => {
      const result = await service.challenge(principal, body);
      return { ...result, verifiedAt: result.verifiedAt.toISOString() };
    },
  }),
];
