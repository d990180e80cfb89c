/**
 * The user's authenticator app: setting one up (a pending secret confirmed with a code, under
 * the back-off) and removing it. Each change of trust ends the user's other verified
 * sessions in the same transaction.
 */
import { pruneAsWritesGo } from '../../attempts/prune.ts';
import { refuseIfLocked, settle, TOTP_FAILURE_LIMIT } from '../../attempts/throttle.ts';
import { recordedChange } from '../../core/audit.ts';
import type { MfaContext } from '../../core/context.ts';
import { userFactorMethods } from '../../core/user-state.ts';
import { MfaError } from '../../errors.ts';
import type { Principal } from '../../model.ts';
import { requireBindingStepUp } from '../../policy/binding-step-up.ts';
import { removalRule } from '../../policy/policy.ts';
import { issueRecoveryCodes } from '../recovery-codes/renewal.ts';
import { generateTotpSecret, matchTotp, qrSvg, totpUri } from './totp.ts';

/** How long a pending TOTP secret waits for its confirmation. */
export const PENDING_SETUP_TTL_MS = 10 * 60_000;

/** Starts setting up an authenticator app: a pending secret (sealed for the user), its URI and QR code. */
export async function setupTotp(ctx: MfaContext, principal: Principal) {
  const secret = generateTotpSecret();
  const expiresAt = new Date(ctx.now().getTime() + PENDING_SETUP_TTL_MS);
  const sealed = ctx.box.seal(secret, principal.userId);
  await ctx.store.putPendingTotp({ userId: principal.userId, secret: sealed, expiresAt });
  await pruneAsWritesGo(ctx);
  const otpauthUri = totpUri(ctx.options.issuer, principal.email ?? principal.userId, secret);
  return { otpauthUri, qrSvg: await qrSvg(otpauthUri), secret, expiresAt };
}

/**
 * Confirms the pending setup with a code: judged under the back-off like any
 * challenge, then the app becomes the user's factor. Ten new recovery codes come
 * with it when it is the user's first factor or replaces their only one; beside a
 * passkey or security key the user keeps the codes they saved (`null`). Every other
 * verified session of the user ends (they were verified with the factor replaced, if
 * any); this one is verified with the new app's code (`totp_setup`: never a step-up), in the
 * same transaction. The step-up the setup began with is checked again against the factors
 * the user holds now, and a trust change since the setup began has discarded it.
 */
export async function confirmTotp(
  ctx: MfaContext,
  principal: Principal,
  code: string,
): Promise<string[] | null> {
  const { userId, sessionId } = principal;
  await requireBindingStepUp(ctx, principal);
  const pending = await ctx.store.getPendingTotp(userId);
  if (!pending) throw MfaError.of('not_enrolled', {}, 'Start the setup first.');
  const now = ctx.now();
  if (pending.expiresAt <= now) throw MfaError.of('not_enrolled', {}, 'The setup expired. Start again.');
  await refuseIfLocked(ctx, userId, now);
  let opened: { plaintext: string; stale: boolean };
  try {
    opened = ctx.box.open(pending.secret, userId);
  } catch {
    // Sealed under a key no longer configured (begun before a rotation finished): a new
    // setup is all the user needs.
    throw MfaError.of('not_enrolled', {}, 'The setup expired. Start again.');
  }
  const step = matchTotp(opened.plaintext, code, now);
  await settle(ctx, {
    userId,
    sessionId,
    now,
    proof: { kind: 'setup', valid: step !== null, failureLimit: TOTP_FAILURE_LIMIT },
  });
  const [before, methods] = await Promise.all([
    ctx.store.getTotpFactor(userId),
    userFactorMethods(ctx, userId),
  ]);
  // The codes were issued with the user's first factor: a passkey keeps them.
  const { codes, hashes } = methods.includes('webauthn')
    ? { codes: null, hashes: null }
    : issueRecoveryCodes(ctx);
  // A setup sealed before a key rotation becomes a factor sealed under the newest key.
  const sealed = opened.stale ? ctx.box.seal(opened.plaintext, userId) : pending.secret;
  const factor = { userId, secret: sealed, lastUsedStep: step, createdAt: now };
  const session = { sessionId, userId, verifiedAt: now, method: 'totp_setup' as const };
  const activated = await recordedChange(
    ctx,
    (audit) => ctx.store.activateTotp(factor, pending.secret, hashes, audit, session),
    {
      type: 'mfa.enrolled',
      actorId: userId,
      userId,
      accountId: null,
      before: { enrolled: before !== null },
      after: { enrolled: true, factor: 'totp' },
    },
    { user: userId },
  );
  if (!activated) throw MfaError.of('not_enrolled', {}, 'The setup was replaced. Start again.');
  // After the change: the cache forgot the user's sessions with it.
  ctx.cache.rememberSession(session);
  return codes;
}

/**
 * Removes the user's authenticator app, unless that leaves an account that requires MFA
 * of the user without a factor it accepts. Every other verified session ends; with no
 * WebAuthn credential left, the recovery codes go too.
 */
export async function removeTotp(ctx: MfaContext, principal: Principal): Promise<void> {
  const { userId } = principal;
  const methods = await userFactorMethods(ctx, userId);
  if (!methods.includes('totp')) throw MfaError.of('not_enrolled');
  const remaining = methods.filter((method) => method !== 'totp');
  const { mustKeep, refusal } = await removalRule(ctx, userId, methods, remaining);
  // The app, its sessions (and, with no credential left, the codes and failed attempts) go
  // together. The asking session stays verified while the user keeps a factor.
  const keep = remaining.length > 0 ? principal.sessionId : undefined;
  const removed = await recordedChange(
    ctx,
    (audit) => ctx.store.deleteTotp(userId, audit, keep, mustKeep),
    {
      type: 'mfa.removed',
      actorId: userId,
      userId,
      accountId: null,
      before: { enrolled: true },
      after: { enrolled: remaining.length > 0 },
    },
    { user: userId },
  );
  if (!removed) {
    // Judged again inside the write: another removal took the factor this one left.
    if (!(await userFactorMethods(ctx, userId)).includes('totp')) throw MfaError.of('not_enrolled');
    throw refusal();
  }
}
