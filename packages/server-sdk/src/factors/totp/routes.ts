import { defineRoute } from '../../core/endpoint.ts';
import { emptyBody, noParams, noQuery } from '../../core/endpoint-schemas.ts';
import { confirmTotp, removeTotp, setupTotp } from './enrollment.ts';
import type { TotpConfirmedResponse, TotpSetupResponse } from './responses.ts';
import { confirmBody, totpConfirmedResponse, totpSetupResponse, unenrolledResponse } from './schemas.ts';

/** Setting up and removing the caller's authenticator app. */
export const totpEndpoints = [
  defineRoute({
    method: 'POST',
    path: '/me/totp/setup',
    summary: 'Start setting up an authenticator app: a pending secret, its URI and QR code',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'binding',
    response: totpSetupResponse,
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
    response: totpConfirmedResponse,
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
    response: unenrolledResponse,
    errors: ['step_up_required', 'not_enrolled', 'mfa_required_by_policy'],
    run: async ({ ctx, principal }) => {
      await removeTotp(ctx, principal);
      return { enrolled: false };
    },
  }),
];
