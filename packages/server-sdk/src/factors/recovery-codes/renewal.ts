import { recordedChange } from '../../core/audit.ts';
import type { MfaContext } from '../../core/context.ts';
import { userFactorMethods } from '../../core/user-state.ts';
import { MfaError } from '../../errors.ts';
import type { Principal } from '../../model.ts';
import { generateRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.ts';

/** Ten fresh codes and their keyed hashes, in the canonical form a challenge hashes what the user types. */
export function issueRecoveryCodes(ctx: MfaContext): { codes: string[]; hashes: string[] } {
  const codes = generateRecoveryCodes();
  return { codes, hashes: codes.map((c) => ctx.box.hash(normalizeRecoveryCode(c))) };
}

/**
 * Replaces the user's recovery codes; the old ones stop working, and every other
 * verified session of the user ends with them, in the same transaction.
 */
export async function regenerateRecoveryCodes(ctx: MfaContext, principal: Principal): Promise<string[]> {
  const { userId } = principal;
  if ((await userFactorMethods(ctx, userId)).length === 0) throw MfaError.of('not_enrolled');
  const before = await ctx.store.countRecoveryCodes(userId);
  const { codes, hashes } = issueRecoveryCodes(ctx);
  await recordedChange(
    ctx,
    (audit) => ctx.store.replaceRecoveryCodes(userId, hashes, audit, principal.sessionId),
    {
      type: 'recovery_codes.regenerated',
      actorId: userId,
      userId,
      accountId: null,
      before: { remaining: before },
      after: { remaining: codes.length },
    },
    { user: userId },
  );
  return codes;
}

/** Whether any of the user's unused recovery codes was hashed under a key older than the newest. */
export async function recoveryCodesOutdated(ctx: MfaContext, userId: string): Promise<boolean> {
  const keyId = ctx.box.currentKeyId();
  return (await ctx.store.recoveryCodeKeys(userId)).some((key) => key !== keyId);
}
