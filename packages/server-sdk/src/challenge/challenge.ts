import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { pruneAsWritesGo } from '../access/sessions.ts';
import type { MfaContext } from '../core/context.ts';
import { MfaError } from '../errors.ts';
import { userFactorMethods } from '../factors/factor-methods.ts';
import { looksLikeRecoveryCode, normalizeRecoveryCode } from '../factors/recovery-codes.ts';
import { matchTotp } from '../factors/totp.ts';
import { answeredChallenge, judgeAssertion, type RequestSite, takeChallenge } from '../factors/webauthn.ts';
import { userHandle } from '../factors/webauthn-enrollment.ts';
import type { Principal, VerificationMethod } from '../model.ts';
import { type AttemptProof, verificationMethodOf } from '../store/store.ts';
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

export type ChallengeInput =
  | { code: string }
  | { recoveryCode: string }
  | { webauthn: AuthenticationResponseJSON };

/** Throws `too_many_attempts` while locked: nothing is judged (the settling transaction checks again). */
function refuseWhileLocked(lockedUntil: Date | null, now: Date): void {
  if (lockedUntil && lockedUntil.getTime() > now.getTime()) throw tooManyAttempts(lockedUntil, now);
}

/**
 * Verifies the session with an app code, a recovery code or a WebAuthn assertion:
 * judged here, settled in one store transaction under the shared back-off, so a
 * failed assertion counts like a wrong code. The lock is checked before anything is
 * judged; a WebAuthn assertion's challenge (single use, this session's) before its
 * signature.
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
  if ('recoveryCode' in input) {
    const normalized = normalizeRecoveryCode(input.recoveryCode);
    const hashes = looksLikeRecoveryCode(normalized) ? ctx.box.hashes(normalized) : [];
    return verify(ctx, principal, { kind: 'recovery', hashes }, now);
  }
  return verify(ctx, principal, await passkeyProof(ctx, principal, input.webauthn, site), now);
}

/** An app code: the factor and the lock in one read, the code judged on the secret read. */
async function verifyAppCode(ctx: MfaContext, principal: Principal, code: string) {
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
  const result = await verify(ctx, principal, proof, now);
  if (opened.stale) {
    // Sealed under an older key or format: sealed again, unless the factor changed meanwhile.
    await ctx.store.updateTotpSecret(userId, ctx.box.seal(opened.plaintext, userId), factor.secret);
  }
  return result;
}

/**
 * A WebAuthn assertion as a proof: its challenge taken first (single use, this session's;
 * `challenge_expired` otherwise, nothing counted), then judged against the user's own
 * credential of its id. One that names no challenge is a failed assertion like any other.
 */
async function passkeyProof(
  ctx: MfaContext,
  principal: Principal,
  response: AuthenticationResponseJSON,
  site: RequestSite,
) {
  const answered = answeredChallenge(response.response.clientDataJSON);
  const expected = answered === null ? null : await takeChallenge(ctx, principal, answered, 'authentication');
  const credential = await ctx.store.getWebAuthnCredential(principal.userId, response.id);
  // A discoverable credential names its user (the random handle): read only when it does.
  const handle =
    response.response.userHandle === undefined ? undefined : await userHandle(ctx, principal.userId);
  return judgeAssertion(ctx, site, response, expected, credential, handle);
}

/** Settles the proof; once verified, this instance counts the session as verified at once. */
async function verify(ctx: MfaContext, principal: Principal, proof: AttemptProof, now: Date) {
  const { userId, sessionId } = principal;
  const { recoveryCodesRemaining } = await settle(ctx, { userId, sessionId, now, proof });
  const method: VerificationMethod = verificationMethodOf(proof);
  ctx.cache.rememberSession({ sessionId, userId, verifiedAt: now, method });
  await pruneAsWritesGo(ctx);
  return { verified: true as const, verifiedAt: now, method, recoveryCodesRemaining };
}
