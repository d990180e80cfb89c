import type { MfaContext } from '../core/context.ts';
import { isVerified, sessionState, userFactorMethods } from '../core/user-state.ts';
import { MfaConfigError, MfaError } from '../errors.ts';
import { MAX_STEP_UP_SECONDS, type Principal, stepUpMethodOf } from '../model.ts';
import { STEP_UP_MAX_AGE } from '../policy/binding-step-up.ts';

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

/**
 * An administrator's sensitive action (a policy change, a member's reset): the caller must
 * have MFA and have verified with it (or a recovery code) within 15 minutes. A session that a
 * remembered device let skip the challenge is no step-up: a fresh second factor is what a
 * step-up asks for, and a stolen device cookie must not change a policy or reset a member;
 * nor is a new factor's registration, which proves the new key, not the person.
 */
export async function requireStepUp(ctx: MfaContext, principal: Principal): Promise<void> {
  if ((await userFactorMethods(ctx, principal.userId)).length === 0) {
    throw MfaError.of(
      'step_up_required',
      {},
      'Set up multi-factor authentication and verify first: only an administrator who has it can do this.',
    );
  }
  const { verifiedAt, method } = await sessionState(ctx, principal);
  const maxAge = Math.min(STEP_UP_MAX_AGE, ctx.sessionMaxAge);
  if (stepUpMethodOf(method) === null || !isVerified(verifiedAt, ctx.now(), maxAge))
    throw MfaError.of('step_up_required');
}

/**
 * A session verified within `sessionMaxAge` by any means (a password alone is not enough to
 * relabel the user's passkeys, which could mislead the owner into removing the wrong one).
 */
export async function requireVerifiedSession(ctx: MfaContext, principal: Principal): Promise<void> {
  if (!(await sessionState(ctx, principal)).verified) {
    throw MfaError.of('step_up_required', { maxAgeSeconds: ctx.sessionMaxAge });
  }
}
