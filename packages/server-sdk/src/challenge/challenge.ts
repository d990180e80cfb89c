import { pruneAsWritesGo } from '../access/sessions.ts';
import type { MfaContext } from '../core/context.ts';
import { MfaError } from '../errors.ts';
import { looksLikeRecoveryCode, normalizeRecoveryCode } from '../factors/recovery-codes.ts';
import { matchTotp } from '../factors/totp.ts';
import type { Principal } from '../model.ts';
import type { AttemptProof } from '../store/store.ts';
import { settle, TOTP_FAILURE_LIMIT, tooManyAttempts } from './throttle.ts';

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
 * Verifies the session with an app code or a recovery code: judged here (pure CPU),
 * settled in one store transaction under the back-off.
 */
export async function challenge(
  ctx: MfaContext,
  principal: Principal,
  input: { code: string } | { recoveryCode: string },
) {
  const { userId, sessionId } = principal;
  const state = await ctx.store.getChallengeState(userId);
  if (!state) throw MfaError.of('not_enrolled');
  const { factor, lockedUntil } = state;
  const now = ctx.now();
  // Locked: refused before any secret is opened or code computed (the settling transaction
  // checks again, atomically, for attempts that raced past this).
  if (lockedUntil && lockedUntil.getTime() > now.getTime()) throw tooManyAttempts(lockedUntil, now);
  let proof: AttemptProof;
  /** The plaintext of a secret sealed under an older key or format, to seal again once verified. */
  let stale: string | undefined;
  if ('code' in input) {
    const opened = openFactorSecret(ctx, userId, factor.secret);
    // Judged against every step the code may be for; the store decides on the replay and the
    // back-off in the same transaction that consumes the step, on this secret only.
    const step = matchTotp(opened.plaintext, input.code, now);
    proof = { kind: 'totp', step, failureLimit: TOTP_FAILURE_LIMIT, secret: factor.secret };
    if (opened.stale) stale = opened.plaintext;
  } else {
    const normalized = normalizeRecoveryCode(input.recoveryCode);
    proof = { kind: 'recovery', hashes: looksLikeRecoveryCode(normalized) ? ctx.box.hashes(normalized) : [] };
  }
  const { recoveryCodesRemaining } = await settle(ctx, { userId, sessionId, now, proof });
  const method = proof.kind === 'totp' ? ('totp' as const) : ('recovery' as const);
  ctx.cache.rememberSession({ sessionId, userId, verifiedAt: now, method });
  await pruneAsWritesGo(ctx);
  if (stale !== undefined) {
    // Unless the factor changed meanwhile (a new enrollment): that one stays.
    await ctx.store.updateFactorSecret(userId, ctx.box.seal(stale, userId), factor.secret);
  }
  return { verified: true as const, verifiedAt: now, method, recoveryCodesRemaining };
}
