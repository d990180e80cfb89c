import type { MfaContext } from '../core/context.ts';
import { isVerified, sessionState, userFactorMethods } from '../core/user-state.ts';
import { MfaError } from '../errors.ts';
import { type FactorMethod, type Principal, stepUpMethodOf } from '../model.ts';
import { requiredBy } from './policy.ts';

/** A sensitive call needs a verification this recent (seconds). */
export const STEP_UP_MAX_AGE = 15 * 60;

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
