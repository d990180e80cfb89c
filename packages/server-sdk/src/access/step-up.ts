import type { MfaContext } from '../core/context.ts';
import { MfaConfigError, MfaError } from '../errors.ts';
import { userFactorMethods } from '../factors/factor-methods.ts';
import { MAX_STEP_UP_SECONDS, type Principal } from '../model.ts';
import { isVerified } from './decide.ts';

/**
 * A host route's `stepUp` as given to `mfa.guard()` or `mfa.evaluate()`: absent, or a whole
 * number of seconds from 1 to a day. Anything else is the host's programming error, thrown
 * as `MfaConfigError` (at start-up from `mfa.guard()`), never a decision: a typo must not
 * quietly let a payout through, nor quietly refuse every one.
 */
export function checkStepUp(stepUp: unknown, caller: string): number | undefined {
  if (stepUp === undefined) return undefined;
  if (typeof stepUp !== 'number' || !Number.isInteger(stepUp) || stepUp < 1 || stepUp > MAX_STEP_UP_SECONDS) {
    throw new MfaConfigError(
      `${caller}: \`stepUp\` must be a whole number of seconds from 1 to ${MAX_STEP_UP_SECONDS} (a day), such as 300.`,
    );
  }
  return stepUp;
}

/** A sensitive call needs a verification this recent (seconds). */
export const STEP_UP_MAX_AGE = 15 * 60;

/**
 * When the caller has MFA, a verification within 15 minutes (with any factor, or a
 * recovery code); `requireFactor` demands MFA too. A session that a remembered device let
 * skip the challenge is no step-up: a fresh second factor is what a step-up asks for, and
 * a stolen device cookie must not change a policy, reset a member or mint recovery codes.
 */
export async function requireStepUp(
  ctx: MfaContext,
  principal: Principal,
  requireFactor = false,
): Promise<void> {
  if ((await userFactorMethods(ctx, principal.userId)).length === 0) {
    if (requireFactor) {
      throw MfaError.of(
        'step_up_required',
        {},
        'Set up multi-factor authentication and verify first: only an administrator who has it can do this.',
      );
    }
    return;
  }
  const { verifiedAt, method } = await sessionState(ctx, principal);
  const maxAge = Math.min(STEP_UP_MAX_AGE, ctx.sessionMaxAge);
  if (method === 'remembered_device' || !isVerified(verifiedAt, ctx.now(), maxAge))
    throw MfaError.of('step_up_required');
}

/** Whether the caller's session is verified (within `sessionMaxAge`), when it was and with what. */
export async function sessionState(ctx: MfaContext, principal: Principal) {
  const session = await ctx.store.getSession(principal.userId, principal.sessionId);
  const own = session && session.userId === principal.userId ? session : null;
  const verifiedAt = own?.verifiedAt ?? null;
  return {
    verified: isVerified(verifiedAt, ctx.now(), ctx.sessionMaxAge),
    verifiedAt,
    method: own?.method ?? null,
  };
}
