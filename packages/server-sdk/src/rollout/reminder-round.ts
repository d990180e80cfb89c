/**
 * **Remind members without MFA**: an administrator's round of reminders, at most one a day
 * per account (the store lets one through: `claimReminderRound`), each reminder audited.
 */
import type { MfaContext } from '../core/context.ts';
import { MfaError } from '../errors.ts';
import { remindAccount } from './reminders.ts';

/** An account's rounds of reminders are at least this far apart: a day. */
export const REMINDER_ROUND_MS = 86_400_000;

export interface RoundSent {
  reminded: number;
  sentAt: Date;
  nextAllowedAt: Date;
}

/**
 * Reminds every member without MFA whom the account's policy requires it of, now, as
 * `actorId`. `nothing_to_remind` under an optional policy; `reminder_limit` within a day of
 * the last round.
 */
export async function remindMembersNow(
  ctx: MfaContext,
  accountId: string,
  actorId: string,
): Promise<RoundSent> {
  const policy = (await ctx.store.getPolicy(accountId)) ?? { mode: 'optional' };
  if (policy.mode === 'optional') throw MfaError.of('nothing_to_remind');
  const at = ctx.now();
  const round = await ctx.store.claimReminderRound(accountId, at, new Date(at.getTime() - REMINDER_ROUND_MS));
  if (!round.claimed) {
    const next = new Date((round.lastAt?.getTime() ?? at.getTime()) + REMINDER_ROUND_MS);
    throw MfaError.of('reminder_limit', {
      retryAfterSeconds: Math.max(1, Math.ceil((next.getTime() - at.getTime()) / 1000)),
      nextAllowedAt: next.toISOString(),
    });
  }
  const { sent } = await remindAccount(ctx, accountId, at, Number.POSITIVE_INFINITY, { at, actorId });
  return { reminded: sent, sentAt: at, nextAllowedAt: new Date(at.getTime() + REMINDER_ROUND_MS) };
}
