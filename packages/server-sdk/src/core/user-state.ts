import { type FactorMethod, isVerified, type Principal } from '../model.ts';
import type { MfaContext } from './context.ts';

/** The factors the user has now, read from the store (none: an empty list). */
export async function userFactorMethods(ctx: MfaContext, userId: string): Promise<FactorMethod[]> {
  return (await ctx.store.getEnrollments([userId])).get(userId)?.methods ?? [];
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
