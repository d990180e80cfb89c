import { challenge } from '../../challenge/challenge.ts';
import { MfaError } from '../../errors.ts';
import * as responses from '../response-schemas.ts';
import { defineRoute } from '../route.ts';
import { challengeBody, noParams, noQuery } from '../schemas.ts';
import type { ChallengeResponse } from '../types.ts';

/** Verifying the session with a second factor. */
export const challengeRoutes = [
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
    run: async ({ ctx, principal, body }): Promise<ChallengeResponse> => {
      if ('webauthn' in body) throw MfaError.of('invalid_credential');
      const result = await challenge(ctx, principal, body);
      return { ...result, verifiedAt: result.verifiedAt.toISOString() };
    },
  }),
];
