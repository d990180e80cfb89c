import type { MfaContext } from '../core/context.ts';
import type { FactorMethod } from '../model.ts';

/** The factors the user has now, read from the store (none: an empty list). */
export async function userFactorMethods(ctx: MfaContext, userId: string): Promise<FactorMethod[]> {
  return (await ctx.store.getEnrollments([userId])).get(userId)?.methods ?? [];
}
