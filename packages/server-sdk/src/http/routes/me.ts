import { profileView } from '../../admin/views.ts';
import { defineRoute, iso } from '../../core/endpoint.ts';
import { noParams, noQuery } from '../../core/endpoint-schemas.ts';
import { deviceTokenOf } from '../device-cookie.ts';
import * as responses from '../response-schemas.ts';
import type { MeResponse } from '../types.ts';

/** The caller's own MFA across all their accounts (what each factor adds is in its folder, factors/). */
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
      return {
        userId: view.userId,
        enrolled: view.factors.length > 0,
        factors: view.factors,
        recoveryCodesRemaining: view.recoveryCodesRemaining,
        recoveryCodesOutdated: view.recoveryCodesOutdated,
        requiredBy: view.requiredBy.map((r) => ({
          ...r,
          deadline: iso(r.deadline),
          resetAt: iso(r.resetAt),
          enforceFrom: iso(r.enforceFrom),
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
];
