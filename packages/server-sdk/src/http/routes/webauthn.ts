import {
  beginRegistration,
  finishRegistration,
  removeCredential,
  renameCredential,
} from '../../factors/webauthn-enrollment.ts';
import type { WebAuthnCredentialRecord } from '../../model.ts';
import { requestSite } from '../request.ts';
import * as responses from '../response-schemas.ts';
import { defineRoute, iso } from '../route.ts';
import {
  credentialParams,
  emptyBody,
  noParams,
  noQuery,
  renameCredentialBody,
  webauthnCredentialBody,
} from '../schemas.ts';
import type {
  WebAuthnCredentialCreatedResponse,
  WebAuthnCredentialRemovedResponse,
  WebAuthnCredentialRenamedResponse,
  WebAuthnCredentialResponse,
  WebAuthnRegistrationOptionsResponse,
} from '../types.ts';

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

/** The caller's passkeys and security keys: registering, renaming and removing them. */
export const webauthnRoutes = [
  defineRoute({
    method: 'POST',
    path: '/me/webauthn/registration',
    summary: 'Begin adding a passkey or security key: options for navigator.credentials.create()',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'binding',
    response: responses.webauthnRegistrationOptionsResponse,
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
    response: responses.webauthnCredentialCreatedResponse,
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
    response: responses.webauthnCredentialRenamedResponse,
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
    response: responses.webauthnCredentialRemovedResponse,
    errors: ['step_up_required', 'not_found', 'mfa_required_by_policy'],
    run: async ({ ctx, principal, params }): Promise<WebAuthnCredentialRemovedResponse> => {
      await removeCredential(ctx, principal, params.credentialId);
      return { removed: true };
    },
  }),
];
