import type { MfaContext } from '../../core/context.ts';
import { factorKinds } from '../../model.ts';
import type { SecondFactor } from '../factor-module.ts';
import type { TotpFactorResponse } from './responses.ts';
import { totpEndpoints } from './routes.ts';
import { totpListing } from './schemas.ts';

/** The authenticator app (TOTP, RFC 6238): at most one per user. */
export const totpFactor = {
  kind: factorKinds.totp,
  endpoints: totpEndpoints,
  listing: totpListing,
  async listFactors(ctx: MfaContext, userId: string): Promise<TotpFactorResponse[]> {
    const factor = await ctx.store.getTotpFactor(userId);
    return factor ? [{ type: 'totp', createdAt: factor.createdAt.toISOString() }] : [];
  },
} satisfies SecondFactor<'totp'>;
