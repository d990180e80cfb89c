import { profileView } from '../../admin/views.ts';
import { regenerateRecoveryCodes } from '../../factors/recovery-code-renewal.ts';
import { confirmTotp, removeTotp, setupTotp } from '../../factors/totp-enrollment.ts';
import { deviceTokenOf } from '../device-cookie.ts';
import * as responses from '../response-schemas.ts';
import { defineRoute, iso } from '../route.ts';
import { confirmBody, emptyBody, noParams, noQuery } from '../schemas.ts';
import type {
  FactorResponse,
  MeResponse,
  RecoveryCodesResponse,
  TotpConfirmedResponse,
  TotpSetupResponse,
} from '../types.ts';
import { credentialResponse } from './webauthn.ts';

/** The caller's own MFA: what they have, setting up and removing the app, new recovery codes. */
export const meRoutes = [
  defineRoute({
    method: 'GET',
    path: '/me',
    summary: "The caller's own MFA across all their accounts",
    access: 'user',
    params: noParams,
    query: noQuery,
    response: responses.meResponse,
    errors: [],
    run: async ({ c, ctx, principal }): Promise<MeResponse> => {
      const view = await profileView(ctx, principal, deviceTokenOf(c, ctx));
      const factors: FactorResponse[] = [
        ...(view.factorCreatedAt
          ? [{ type: 'totp' as const, createdAt: view.factorCreatedAt.toISOString() }]
          : []),
        ...view.credentials.map((c) => ({ type: 'webauthn' as const, ...credentialResponse(c) })),
      ];
      return {
        userId: view.userId,
        enrolled: factors.length > 0,
        factors,
        recoveryCodesRemaining: view.recoveryCodesRemaining,
        recoveryCodesOutdated: view.recoveryCodesOutdated,
        requiredBy: view.requiredBy.map((r) => ({
          ...r,
          deadline: iso(r.deadline),
          resetAt: iso(r.resetAt),
        })),
        rememberDeviceDays: view.rememberDeviceDays,
        session: {
          verified: view.session.verified,
          verifiedAt: iso(view.session.verifiedAt),
          method: view.session.method,
        },
        lockedUntil: iso(view.lockedUntil),
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
    stepUp: () => 'binding',
    response: responses.totpSetupResponse,
    errors: ['step_up_required'],
    run: async ({ ctx, principal }): Promise<TotpSetupResponse> => {
      const setup = await setupTotp(ctx, principal);
      return { ...setup, expiresAt: setup.expiresAt.toISOString() };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/me/totp/confirm',
    summary:
      'Confirm the pending setup with a code; answers the recovery codes, once, unless the user has a passkey (they keep theirs)',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: confirmBody,
    response: responses.totpConfirmedResponse,
    errors: ['step_up_required', 'not_enrolled', 'invalid_code', 'too_many_attempts'],
    run: async ({ ctx, principal, body }): Promise<TotpConfirmedResponse> => {
      const recoveryCodes = await confirmTotp(ctx, principal, body.code);
      return recoveryCodes ? { recoveryCodes } : {};
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/me/totp',
    summary: "Remove the caller's authenticator app",
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'binding',
    response: responses.unenrolledResponse,
    errors: ['step_up_required', 'not_enrolled', 'mfa_required_by_policy'],
    run: async ({ ctx, principal }) => {
      await removeTotp(ctx, principal);
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
    stepUp: () => 'binding',
    response: responses.recoveryCodesResponse,
    errors: ['step_up_required', 'not_enrolled'],
    run: async ({ ctx, principal }): Promise<RecoveryCodesResponse> => ({
      recoveryCodes: await regenerateRecoveryCodes(ctx, principal),
    }),
  }),
];
