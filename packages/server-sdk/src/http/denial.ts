import { MfaError } from '../errors.ts';
import type { AccessDecision } from '../model.ts';

const denials = {
  unauthenticated: 'unauthenticated',
  not_member: 'not_member',
  challenge_required: 'challenge_required',
  enrollment_required: 'enrollment_required',
  unavailable: 'unavailable',
  step_up_required: 'step_up_required',
  mfa_required_for_action: 'mfa_required_for_action',
} as const;

/**
 * The error that answers a denying access decision, the same for the guard, the SDK's own
 * account routes and a host that calls `mfa.evaluate()` itself: its reason as the code,
 * with the grace deadline, the factors the account accepts (for a step-up: those of them
 * the user has) and a step-up's `maxAgeSeconds`.
 *
 * @example
 * const decision = await mfa.evaluate({ principal, accountId, stepUp: 300 });
 * if (!decision.allow) {
 *   const error = denialError(decision);
 *   return res.status(error.status).json(error.toBody());
 * }
 */
export function denialError(decision: AccessDecision): MfaError {
  const code = denials[decision.reason as keyof typeof denials] ?? 'unavailable';
  return MfaError.of(code, {
    ...(decision.deadline ? { deadline: decision.deadline.toISOString() } : {}),
    ...(decision.accepts && code !== 'unavailable' ? { accepts: decision.accepts } : {}),
    ...(decision.maxAgeSeconds !== undefined && code === 'step_up_required'
      ? { maxAgeSeconds: decision.maxAgeSeconds }
      : {}),
  });
}
