import { recordedChange } from '../core/audit.ts';
import type { MfaContext } from '../core/context.ts';
import { policyRequires } from '../model.ts';
import { readPolicy } from '../policy/policy.ts';

/**
 * Removes a user's MFA for the host's support staff or an account admin: the
 * factor, recovery codes, failed attempts and verified sessions go, and the user
 * gets no new grace period in the accounts whose policy requires MFA of them now
 * (accounts that require it only later give the user their days like everyone
 * else). Answers whether there was MFA to reset.
 */
export async function resetUser(
  ctx: MfaContext,
  userId: string,
  actorId: string | null,
  accountId: string | null,
): Promise<boolean> {
  const accounts: string[] = [];
  for (const m of await ctx.memberships(userId)) {
    if (policyRequires((await readPolicy(ctx, m.accountId)).mode, m.role)) accounts.push(m.accountId);
  }
  // Forfeited before the factor goes: a reset cut short there leaves the MFA whole, never a
  // user without MFA who gets a fresh grace period. Its deadline is the reset's time.
  const resetAt = ctx.now();
  await ctx.cache.changeUser(userId, () => ctx.store.forfeitGrace(userId, accounts, resetAt));
  // Factor, codes, failed attempts and sessions go together (the store's resetMfa), written
  // with the event that says whether there was MFA to reset.
  return recordedChange(
    ctx,
    (audit) => ctx.store.resetMfa(userId, audit),
    (existed) => ({
      type: 'mfa.reset',
      actorId,
      userId,
      accountId,
      before: { enrolled: existed },
      after: { enrolled: false },
    }),
    { user: userId },
  );
}
