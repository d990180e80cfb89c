import type { AttemptProof } from '../../attempts/settle.ts';
import { refuseWhileLocked, TOTP_FAILURE_LIMIT } from '../../attempts/throttle.ts';
import { verifySession } from '../../attempts/verify.ts';
import type { MfaContext } from '../../core/context.ts';
import { MfaError } from '../../errors.ts';
import type { Principal } from '../../model.ts';
import { matchTotp } from './totp.ts';

/**
 * The factor's secret, opened for its user. When no configured key opens it for
 * this user (sealed under a key since removed, tampered with, or moved from another
 * user's row): `unavailable`, reported, and nothing judged or counted. Such a factor
 * shows in `rotateKeys`' report as unreadable; its user verifies with a recovery
 * code or is reset.
 */
export function openFactorSecret(ctx: MfaContext, userId: string, sealed: string) {
  try {
    return ctx.box.open(sealed, userId);
  } catch (error) {
    throw ctx.fail(error, 'open the sealed factor secret');
  }
}

/**
 * Verifies the session with an app code: the factor and the lock in one read, the code
 * judged on the secret read, settled under the back-off.
 */
export async function verifyAppCode(ctx: MfaContext, principal: Principal, code: string) {
  const { userId } = principal;
  const now = ctx.now();
  const state = await ctx.store.getChallengeState(userId);
  if (!state) throw MfaError.of('not_enrolled');
  const { factor, lockedUntil } = state;
  // Locked: refused before any secret is opened or code computed.
  refuseWhileLocked(lockedUntil, now);
  const opened = openFactorSecret(ctx, userId, factor.secret);
  // Judged against every step the code may be for; the store decides on the replay and the
  // back-off in the same transaction that consumes the step, on this secret only.
  const step = matchTotp(opened.plaintext, code, now);
  const proof: AttemptProof = { kind: 'totp', step, failureLimit: TOTP_FAILURE_LIMIT, secret: factor.secret };
  const result = await verifySession(ctx, principal, proof, now);
  if (opened.stale) {
    // Sealed under an older key or format: sealed again, unless the factor changed meanwhile.
    await ctx.store.updateTotpSecret(userId, ctx.box.seal(opened.plaintext, userId), factor.secret);
  }
  return result;
}
