import { challenge } from '../../challenge/challenge.ts';
import { defineRoute, requestSite } from '../../core/endpoint.ts';
import { noParams, noQuery } from '../../core/endpoint-schemas.ts';
import { rememberDevice } from '../../devices/remembered-devices.ts';
import { setDeviceCookie } from '../device-cookie.ts';
import * as responses from '../response-schemas.ts';
import { challengeBody } from '../schemas.ts';
import type { ChallengeResponse } from '../types.ts';

/** Verifying the session with a second factor or a recovery code (`POST /challenge/webauthn` is in factors/webauthn/). */
export const challengeRoutes = [
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
