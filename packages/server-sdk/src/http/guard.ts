import type { Context, MiddlewareHandler, Next } from 'hono';
import { evaluateSync } from '../access/evaluate.ts';
import { checkStepUp } from '../access/step-up.ts';
import type { MfaContext } from '../core/context.ts';
import { isThenable } from '../core/deadline.ts';
import { MfaError } from '../errors.ts';
import type { AccessDecision, Principal } from '../model.ts';
import { denialError } from './denial.ts';
import { deviceTokenOf } from './device-cookie.ts';
import { errorResponse } from './error-response.ts';
import { ID_MAX_LENGTH, ID_PATTERN } from './schemas.ts';

export interface GuardOptions {
  /** Which account the request enters; default the `:accountId` path parameter. */
  accountId?: (c: Context) => string | undefined;
  /**
   * Step-up for the host's own sensitive routes: besides the access decision, the session
   * must have verified with a factor the account accepts within this many seconds (1 to
   * 86,400; at most `sessionMaxAge` counts). Otherwise 401 `step_up_required` with
   * `maxAgeSeconds` and `accepts` (the user's factors the account accepts), or 403
   * `mfa_required_for_action` for a user with none. A remembered device or an SSO sign-in
   * is no step-up; a recovery code is. Default: none.
   */
  stepUp?: number;
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The access decision of a request that `mfa.guard()` let through. */
    mfaDecision: AccessDecision;
  }
}

/** What the guard makes of a request: the decision, or the response that refuses it at once. */
type Outcome = AccessDecision | Response;

export function createGuard(ctx: MfaContext, options: GuardOptions = {}): MiddlewareHandler {
  if (options.accountId !== undefined && typeof options.accountId !== 'function') {
    throw new TypeError('mfa.guard: `accountId` must be a function of the request context.');
  }
  const accountIdOf = options.accountId ?? ((c: Context) => c.req.param('accountId'));
  const stepUp = checkStepUp(options.stepUp, 'mfa.guard');

  /** The decision, or the response refusing the request; a promise only when one must be waited for. */
  const decide = (c: Context): Outcome | Promise<Outcome> => {
    const starting = ctx.readyForRequest();
    if (starting) return starting.then(() => authenticate(c));
    return authenticate(c);
  };
  const authenticate = (c: Context): Outcome | Promise<Outcome> => {
    let principal: Principal | null | Promise<Principal | null>;
    try {
      principal = ctx.run(() => ctx.options.authenticate(c), 'authenticate');
    } catch (error) {
      return Promise.reject(error);
    }
    return isThenable(principal) ? principal.then((p) => decideFor(c, p)) : decideFor(c, principal);
  };
  const decideFor = (c: Context, principal: Principal | null): Outcome | Promise<Outcome> => {
    if (!principal) return errorResponse(MfaError.of('unauthenticated'));
    const accountId = accountIdOf(c);
    // An id no account can have (empty, control characters) is nobody's account (the `id` schema,
    // without zod's cost on every guarded request).
    if (!accountId || accountId.length > ID_MAX_LENGTH || !ID_PATTERN.test(accountId))
      return errorResponse(MfaError.of('not_member'));
    // The remembered-device cookie is read, and looked up, only when the session alone is not
    // verified for the account.
    return evaluateSync(ctx, principal, accountId, undefined, () => deviceTokenOf(c, ctx), stepUp);
  };
  const admit = (c: Context, next: Next, outcome: Outcome): ReturnType<MiddlewareHandler> => {
    if (outcome instanceof Response) return Promise.resolve(outcome);
    if (!outcome.allow) return Promise.resolve(errorResponse(denialError(outcome)));
    c.set('mfaDecision', outcome);
    return next();
  };

  // Not an async function: ready, with synchronous hooks and a remembered decision (a guarded
  // request of a verified user), the guard makes no promise of its own before `next()`.
  return function guard(c, next) {
    let outcome: Outcome | Promise<Outcome>;
    try {
      outcome = decide(c);
    } catch (error) {
      return Promise.resolve(errorResponse(error));
    }
    if (!isThenable(outcome)) return admit(c, next, outcome);
    return Promise.resolve(outcome).then(
      (settled) => admit(c, next, settled),
      (error: unknown) => errorResponse(error),
    );
  };
}
