import { challenge } from '../../challenge/challenge.ts';
import { rememberDevice } from '../../devices/remembered-devices.ts';
import { beginAuthentication } from '../../factors/webauthn.ts';
import { setDeviceCookie } from '../device-cookie.ts';
import { requestSite } from '../request.ts';
import * as responses from '../response-schemas.ts';
import { defineRoute } from '../route.ts';
import { challengeBody, emptyBody, noParams, noQuery } from '../schemas.ts';
import type { ChallengeResponse, WebAuthnAuthenticationOptionsResponse } from '../types.ts';

/** Verifying the session with a second factor. */
export const challengeRoutes = [
  defineRoute({
    method: 'POST',
    path: '/challenge/webauthn',
    summary:
      'Begin verifying the session with a passkey or security key: options for navigator.credentials.get()',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    response: responses.webauthnAuthenticationOptionsResponse,
    errors: ['webauthn_not_configured', 'not_enrolled'],
    run: async ({ c, ctx, principal }): Promise<WebAuthnAuthenticationOptionsResponse> => ({
      options: await beginAuthentication(ctx, principal, requestSite(c)),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/challenge',
    summary:
      'Verify the session with a code, a recovery code or a passkey; with rememberDevice, remember this browser where an account allows it',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: challengeBody,
    response: responses.challengeResponse,
    errors: ['not_enrolled', 'invalid_code', 'invalid_credential', 'challenge_expired', 'too_many_attempts'],
    run: async ({ c, ctx, principal, body }): Promise<ChallengeResponse> => {
      const { rememberDevice: wanted, ...proof } = body;
      const result = await challenge(ctx, principal, proof, requestSite(c));
      // Asked for and allowed by an account of the user: a new cookie; else nothing, and no error.
      const remembered =
        wanted === true ? await rememberDevice(ctx, principal, result, c.req.header('user-agent')) : null;
      if (remembered) setDeviceCookie(c, ctx, remembered.token, remembered.expiresAt);
      return {
        ...result,
        verifiedAt: result.verifiedAt.toISOString(),
        rememberedUntil: remembered ? remembered.expiresAt.toISOString() : null,
      };
    },
  }),
];
