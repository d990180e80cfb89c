import type { MfaContext } from '../../core/context.ts';
import { factorKinds } from '../../model.ts';
import type { SecondFactor } from '../factor-module.ts';
import type { WebAuthnFactorResponse } from './responses.ts';
import { credentialResponse, webauthnEndpoints } from './routes.ts';
import { webauthnListing } from './schemas.ts';

/** Passkeys and security keys (WebAuthn): up to 10 per user. */
export const webauthnFactor = {
  kind: factorKinds.webauthn,
  endpoints: webauthnEndpoints,
  listing: webauthnListing,
  async listFactors(ctx: MfaContext, userId: string): Promise<WebAuthnFactorResponse[]> {
    const credentials = await ctx.store.listWebAuthnCredentials(userId);
    return credentials.map((credential) => ({ type: 'webauthn', ...credentialResponse(credential) }));
  },
} satisfies SecondFactor<'webauthn'>;
