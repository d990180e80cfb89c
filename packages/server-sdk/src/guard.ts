import type { Context, MiddlewareHandler } from 'hono';
import { MfaError } from './http/errors.ts';
import { errorResponse } from './http/errors-response.ts';
import type { AccessDecision } from './model.ts';
import type { MfaService } from './service.ts';

export interface GuardOptions {
  /** Which account the request enters; default the `:accountId` path parameter. */
  accountId?: (c: Context) => string | undefined;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The access decision of a request that `mfa.guard()` let through. */
    mfaDecision: AccessDecision;
  }
}

const denial = {
  not_member: 'not_member',
  challenge_required: 'challenge_required',
  enrollment_required: 'enrollment_required',
  unavailable: 'unavailable',
} as const;

export function createGuard(service: MfaService, options: GuardOptions = {}): MiddlewareHandler {
  if (options.accountId !== undefined && typeof options.accountId !== 'function') {
    throw new TypeError('mfa.guard: `accountId` must be a function of the request context.');
  }
  const accountIdOf = options.accountId ?? ((c: Context) => c.req.param('accountId'));

  return async function guard(c, next) {
    let decision: AccessDecision;
    try {
      const principal = await service.io(() => service.options.authenticate(c));
      if (!principal) return errorResponse(MfaError.of('unauthenticated'));
      const accountId = accountIdOf(c);
      if (!accountId) return errorResponse(MfaError.of('not_member'));
      decision = await service.evaluate(principal, accountId);
    } catch (error) {
      return errorResponse(error);
    }
    if (!decision.allow) {
      const code = denial[decision.reason as keyof typeof denial] ?? 'unavailable';
      return errorResponse(
        MfaError.of(code, decision.deadline ? { deadline: decision.deadline.toISOString() } : {}),
      );
    }
    c.set('mfaDecision', decision);
    await next();
  };
}
