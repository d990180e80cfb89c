import type { FactorMethod, Principal } from '../model.ts';
import type { MfaContext } from './context.ts';

/** Whether a session verified at `verifiedAt` (`null`: never) is still verified at `now`, within `maxAgeSeconds`. */
export function isVerified(verifiedAt: Date | null, now: Date, maxAgeSeconds: number): boolean {
  if (!verifiedAt) return false;
  const age = now.getTime() - verifiedAt.getTime();
  return age >= 0 ? age <= maxAgeSeconds * 1000 : false;
}

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
