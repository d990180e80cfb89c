import type { AttemptProof } from '../../attempts/settle.ts';
import { TOTP_FAILURE_LIMIT } from '../../attempts/throttle.ts';
import { verifySession } from '../../attempts/verify.ts';
import type { MfaContext } from '../../core/context.ts';
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
 * Verifies the session with an app code: the app read, the code judged on its secret and
 * the attempt settled under the back-off, all in the store's one settling transaction (the
 * secret is opened and the code matched there, only when the attempt is judged: never while
 * the user is locked).
 */
export async function verifyAppCode(ctx: MfaContext, principal: Principal, code: string) {
  const { userId } = principal;
  const now = ctx.now();
  let judged: { sealed: string; opened: ReturnType<typeof openFactorSecret> } | undefined;
  const proof: AttemptProof = {
    kind: 'totp',
    failureLimit: TOTP_FAILURE_LIMIT,
    match: (sealed) => {
      const opened = openFactorSecret(ctx, userId, sealed);
      judged = { sealed, opened };
      // Judged against every step the code may be for; the store decides on the replay.
      return matchTotp(opened.plaintext, code, now);
    },
  };
  const result = await verifySession(ctx, principal, proof, now);
  if (judged?.opened.stale) {
    // Sealed under an older key or format: sealed again, unless the factor changed meanwhile.
    await ctx.store.updateTotpSecret(userId, ctx.box.seal(judged.opened.plaintext, userId), judged.sealed);
  }
  return result;
}
