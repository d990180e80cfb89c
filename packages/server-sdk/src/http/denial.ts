import { MfaError } from '../errors.ts';
import type { AccessDecision } from '../model.ts';

const denials = {
  unauthenticated: 'unauthenticated',
  not_member: 'not_member',
  challenge_required: 'challenge_required',
  enrollment_required: 'enrollment_required',
  unavailable: 'unavailable',
} as const;

/**
 * The error that answers a denying access decision, the same for the guard and for
 * the SDK's own account routes: its reason as the code, with the grace deadline
 * where one ended and the factors the account accepts.
 */
export function denialError(decision: AccessDecision): MfaError {
  const code = denials[decision.reason as keyof typeof denials] ?? 'unavailable';
  return MfaError.of(code, {
    ...(decision.deadline ? { deadline: decision.deadline.toISOString() } : {}),
    ...(decision.accepts && (code === 'challenge_required' || code === 'enrollment_required')
      ? { accepts: decision.accepts }
      : {}),
  });
}
