import { defineRoute, iso, requestSite } from '../../core/endpoint.ts';
import { emptyBody, noParams, noQuery } from '../../core/endpoint-schemas.ts';
import type { WebAuthnCredentialRecord } from '../../model.ts';
import { beginRegistration, finishRegistration, removeCredential, renameCredential } from './enrollment.ts';
import type {
  WebAuthnAuthenticationOptionsResponse,
  WebAuthnCredentialCreatedResponse,
  WebAuthnCredentialRemovedResponse,
  WebAuthnCredentialRenamedResponse,
  WebAuthnCredentialResponse,
  WebAuthnRegistrationOptionsResponse,
} from './responses.ts';
import {
  credentialParams,
  renameCredentialBody,
  webauthnAuthenticationOptionsResponse,
  webauthnCredentialBody,
  webauthnCredentialCreatedResponse,
  webauthnCredentialRemovedResponse,
  webauthnCredentialRenamedResponse,
  webauthnRegistrationOptionsResponse,
} from './schemas.ts';
import { beginAuthentication } from './verification.ts';

/** A credential as the API shows it: never its public key or counter. */
export function credentialResponse(c: WebAuthnCredentialRecord): WebAuthnCredentialResponse {
  return {
    credentialId: c.credentialId,
    name: c.name,
    createdAt: c.createdAt.toISOString(),
    lastUsedAt: iso(c.lastUsedAt),
    backedUp: c.backedUp,
    transports: [...c.transports],
  };
}

/**
 * The caller's passkeys and security keys: registering, renaming and removing them, and
 * beginning a verification with one (the assertion itself is answered at `POST /challenge`).
 */
export const webauthnEndpoints = [
  defineRoute({
    method: 'POST',
    path: '/me/webauthn/registration',
    summary: 'Begin adding a passkey or security key: options for navigator.credentials.create()',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'binding',
    response: webauthnRegistrationOptionsResponse,
    errors: ['step_up_required', 'webauthn_not_configured', 'too_many_credentials'],
    run: async ({ c, ctx, principal }): Promise<WebAuthnRegistrationOptionsResponse> => ({
      options: await beginRegistration(ctx, principal, requestSite(c)),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/me/webauthn/credentials',
    summary:
      "Add the passkey or security key the browser made; answers the recovery codes, once, when it is the user's first factor",
    access: 'user',
    params: noParams,
    query: noQuery,
    body: webauthnCredentialBody,
    response: webauthnCredentialCreatedResponse,
    errors: ['step_up_required', 'invalid_credential', 'challenge_expired'],
    run: async ({ c, ctx, principal, body }): Promise<WebAuthnCredentialCreatedResponse> => {
      const added = await finishRegistration(ctx, principal, requestSite(c), body.response, body.name);
      return {
        credential: credentialResponse(added.credential),
        ...(added.recoveryCodes ? { recoveryCodes: added.recoveryCodes } : {}),
      };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/me/webauthn/credentials/:credentialId',
    summary: 'Rename a passkey or security key',
    access: 'user',
    params: credentialParams,
    query: noQuery,
    body: renameCredentialBody,
    stepUp: () => 'verified_session',
    response: webauthnCredentialRenamedResponse,
    errors: ['step_up_required', 'not_found'],
    run: async ({ ctx, principal, params, body }): Promise<WebAuthnCredentialRenamedResponse> => ({
      credential: credentialResponse(await renameCredential(ctx, principal, params.credentialId, body.name)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/me/webauthn/credentials/:credentialId',
    summary: 'Remove a passkey or security key',
    access: 'user',
    params: credentialParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'binding',
    response: webauthnCredentialRemovedResponse,
    errors: ['step_up_required', 'not_found', 'mfa_required_by_policy'],
    run: async ({ ctx, principal, params }): Promise<WebAuthnCredentialRemovedResponse> => {
      await removeCredential(ctx, principal, params.credentialId);
      return { removed: true };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/challenge/webauthn',
    summary:
      'Begin verifying the session with a passkey or security key: options for navigator.credentials.get()',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    response: webauthnAuthenticationOptionsResponse,
    errors: ['webauthn_not_configured', 'not_enrolled'],
    run: async ({ c, ctx, principal }): Promise<WebAuthnAuthenticationOptionsResponse> => ({
      options: await beginAuthentication(ctx, principal, requestSite(c)),
    }),
  }),
];
