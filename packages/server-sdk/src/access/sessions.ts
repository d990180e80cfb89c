import type { MfaContext } from '../core/context.ts';

/**
 * Ends one verified session (the host's sign-out): at once on this instance, on
 * others within `policyCacheTtl`.
 */
export async function endSession(ctx: MfaContext, userId: string, sessionId: string): Promise<void> {
  await ctx.cache.changeUser(userId, () => ctx.store.endSession(userId, sessionId));
}
