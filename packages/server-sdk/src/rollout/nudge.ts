/**
 * `<mfa-nudge>`'s suggestion: where MFA is not required of the user (an optional account, or
 * before a start date), to set it up; to a user who signs in with an app code, to add a
 * passkey. **Not now** snoozes it for `nudgeSnoozeDays`, at most three times per kind; after
 * that it stays, without **Not now**.
 */
import type { MfaContext } from '../core/context.ts';
import { userFactorMethods } from '../core/user-state.ts';
import { MfaError } from '../errors.ts';
import { type Principal, policyRequires } from '../model.ts';
import { isPending } from '../policy/enforcement.ts';
import { readPolicy } from '../policy/policy.ts';
import type { NudgeKind } from '../store/rollout-store.ts';

/** At most this many snoozes of each kind of nudge. */
export const NUDGE_SNOOZE_LIMIT = 3;
export const DEFAULT_NUDGE_SNOOZE_DAYS = 14;

export interface Nudge {
  kind: NudgeKind;
  /** The account it was asked for (`null`: none). */
  accountId: string | null;
  /** That account's start date, when it will require MFA of the user from then. */
  enforceFrom: Date | null;
  snoozesLeft: number;
}

/** The nudge to show the principal now, in `accountId` if given (`null`: none). */
export async function nudgeFor(
  ctx: MfaContext,
  principal: Principal,
  accountId: string | undefined,
): Promise<Nudge | null> {
  const { userId } = principal;
  const now = ctx.now();
  const methods = await userFactorMethods(ctx, userId);
  let kind: NudgeKind | null = null;
  let enforceFrom: Date | null = null;
  if (methods.length === 0) {
    if (accountId !== undefined) {
      const membership = await ctx.membership(userId, accountId);
      if (!membership) throw MfaError.of('not_member');
      const policy = await readPolicy(ctx, accountId);
      const requires = policyRequires(policy.mode, membership.role);
      // Required now: the grace period's banner and the enrollment screen take over.
      if (requires && !isPending(policy, now)) return null;
      enforceFrom = requires ? policy.enforceFrom : null;
    }
    kind = 'set_up';
  } else if (methods.includes('totp') && !methods.includes('webauthn')) {
    const session = await ctx.store.getSession(userId, principal.sessionId);
    if (session?.method === 'totp' || session?.method === 'totp_setup') kind = 'passkey';
  }
  if (kind === null) return null;
  const snooze = (await ctx.store.getNudgeSnoozes(userId)).find((s) => s.kind === kind);
  if (snooze?.snoozedUntil && snooze.snoozedUntil.getTime() > now.getTime()) return null;
  return {
    kind,
    accountId: accountId ?? null,
    enforceFrom,
    snoozesLeft: Math.max(0, NUDGE_SNOOZE_LIMIT - (snooze?.snoozes ?? 0)),
  };
}

/** **Not now**: the nudge snoozed for `days`; `snooze_limit` after three. */
export async function snoozeNudge(
  ctx: MfaContext,
  userId: string,
  kind: NudgeKind,
  days: number,
): Promise<{ snoozedUntil: Date; snoozesLeft: number }> {
  const until = new Date(ctx.now().getTime() + days * 86_400_000);
  const snooze = await ctx.store.snoozeNudge(userId, kind, until, NUDGE_SNOOZE_LIMIT);
  if (!snooze) throw MfaError.of('snooze_limit');
  return { snoozedUntil: until, snoozesLeft: Math.max(0, NUDGE_SNOOZE_LIMIT - snooze.snoozes) };
}
