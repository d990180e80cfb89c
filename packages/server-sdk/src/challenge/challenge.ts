import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { refuseWhileLocked } from '../attempts/throttle.ts';
import { verifySession } from '../attempts/verify.ts';
import type { MfaContext } from '../core/context.ts';
import type { RequestSite } from '../core/endpoint.ts';
import { userFactorMethods } from '../core/user-state.ts';
import { MfaError } from '../errors.ts';
import { recoveryProof } from '../factors/recovery-codes/verification.ts';
import { verifyAppCode } from '../factors/totp/verification.ts';
import { passkeyProof } from '../factors/webauthn/verification.ts';
import type { Principal } from '../model.ts';

export type ChallengeInput =
  | { code: string }
  | { recoveryCode: string }
  | { webauthn: AuthenticationResponseJSON };

/**
 * Verifies the session with an app code, a recovery code or a WebAuthn assertion:
 * judged by the factor's own folder, settled in one store transaction under the shared
 * back-off (attempts/), so a failed assertion counts like a wrong code. The lock is checked
 * before anything is judged; a WebAuthn assertion's challenge (single use, this session's)
 * before its signature.
 */
export async function challenge(
  ctx: MfaContext,
  principal: Principal,
  input: ChallengeInput,
  site: RequestSite,
) {
  if ('code' in input) return verifyAppCode(ctx, principal, input.code);
  const { userId } = principal;
  const now = ctx.now();
  const methods = await userFactorMethods(ctx, userId);
  if ('webauthn' in input && !methods.includes('webauthn')) {
    throw MfaError.of('not_enrolled', {}, 'No passkey or security key is set up.');
  }
  if (methods.length === 0) throw MfaError.of('not_enrolled');
  refuseWhileLocked((await ctx.store.getAttempts(userId)).lockedUntil, now);
  const proof =
    'recoveryCode' in input
      ? recoveryProof(ctx, input.recoveryCode)
      : await passkeyProof(ctx, principal, input.webauthn, site);
  return verifySession(ctx, principal, proof, now);
}
