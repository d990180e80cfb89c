import type { WebAuthnCredentialRecord } from '../../model.ts';
import { iso } from '../route.ts';
import type { WebAuthnCredentialResponse } from '../types.ts';

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
export const webauthnRoutes = [];
