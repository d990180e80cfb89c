import type { MfaContext } from '../core/context.ts';
import { MfaConfigError, MfaError } from '../errors.ts';
import { userFactorMethods } from '../factors/factor-methods.ts';
import { type FactorMethod, MAX_STEP_UP_SECONDS, type Principal, stepUpMethodOf } from '../model.ts';
import { requiredBy } from '../policy/policy.ts';
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
 * Binding a factor (adding, replacing or removing one, or new recovery codes) needs a
 * step-up within 15 minutes with a method at least as strong as the strongest factor the
 * user holds that one of their accounts requires: a user who holds a passkey and is
 * required to have MFA somewhere steps up with a passkey (an app code or a recovery code,
 * phishable both, is not enough then: one phished code must not let a phishing site bind a
 * passkey of its own in a phishing-resistant account); otherwise any factor the user holds,
 * or a recovery code (the way back for a user whose phone is lost). A remembered device
 * and a new factor's own registration are never a step-up. A user without MFA binds their
 * first factor without one. Checked when a ceremony begins and again when it finishes.
 */
export async function requireBindingStepUp(ctx: MfaContext, principal: Principal): Promise<void> {
  const methods = await userFactorMethods(ctx, principal.userId);
  if (methods.length === 0) return;
  const [required, { verifiedAt, method }] = await Promise.all([
    methods.includes('webauthn') ? requiredBy(ctx, principal.userId, methods) : [],
    sessionState(ctx, principal),
  ]);
  const needsPasskey = required.length > 0;
  const accepts: FactorMethod[] = needsPasskey ? ['webauthn'] : methods;
  const proof = stepUpMethodOf(method);
  const strongEnough = proof !== null && (!needsPasskey || proof === 'webauthn');
  const maxAgeSeconds = Math.min(STEP_UP_MAX_AGE, ctx.sessionMaxAge);
  if (!strongEnough || !isVerified(verifiedAt, ctx.now(), maxAgeSeconds)) {
    throw MfaError.of('step_up_required', { maxAgeSeconds, accepts });
  }
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
