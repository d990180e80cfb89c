import { defineRoute } from '../../core/endpoint.ts';
import { emptyBody, noParams, noQuery } from '../../core/endpoint-schemas.ts';
import { regenerateRecoveryCodes } from './renewal.ts';
import type { RecoveryCodesResponse } from './responses.ts';
import { recoveryCodesResponse } from './schemas.ts';

/** New recovery codes for the caller. */
export const recoveryCodeEndpoints = [
  defineRoute({
    method: 'POST',
    path: '/me/recovery-codes',
    summary: 'Replace the recovery codes; the old ones stop working',
    access: 'user',
    params: noParams,
    query: noQuery,
    body: emptyBody,
    stepUp: () => 'binding',
    response: recoveryCodesResponse,
    errors: ['step_up_required', 'not_enrolled'],
    run: async ({ ctx, principal }): Promise<RecoveryCodesResponse> => ({
      recoveryCodes: await regenerateRecoveryCodes(ctx, principal),
    }),
  }),
];
