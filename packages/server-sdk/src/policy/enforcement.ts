/**
 * When a requiring policy is enforced, and each member's deadline under it. A policy may be
 * announced ahead with `enforceFrom` (a rollout): until then it requires nothing, and the
 * grace period of a member seen before it is counted from it; a member first seen later (who
 * joined later) is counted from then.
 */
import { type GraceRecord, graceDeadline, type PolicyRecord } from '../model.ts';

/** How far ahead a policy's start date may be, in days. */
export const MAX_ENFORCE_FROM_DAYS = 365;

const DAY_MS = 86_400_000;

/** Whether the policy is announced but not enforced yet at `now`. */
export function isPending(policy: Partial<Pick<PolicyRecord, 'enforceFrom'>>, now: Date): boolean {
  return (policy.enforceFrom?.getTime() ?? Number.NEGATIVE_INFINITY) > now.getTime();
}

/**
 * When a member without an accepted factor loses access: `gracePeriodDays` after their grace
 * period began, counted from the policy's `enforceFrom` when they were seen before it. A reset
 * before `enforceFrom` forfeits nothing of a rollout announced afterwards (the policy required
 * nothing then); one after it does (the deadline is then the reset's time).
 */
export function memberDeadline(
  policy: Pick<PolicyRecord, 'gracePeriodDays'> & Partial<Pick<PolicyRecord, 'enforceFrom'>>,
  grace: Pick<GraceRecord, 'startedAt'> & Partial<Pick<GraceRecord, 'forfeitedAt'>>,
): Date {
  const from = policy.enforceFrom?.getTime();
  if (from === undefined) return graceDeadline(grace, policy.gracePeriodDays);
  const forfeitedAt = countedReset(policy, grace);
  return graceDeadline(
    { startedAt: new Date(Math.max(grace.startedAt.getTime(), from)), forfeitedAt },
    policy.gracePeriodDays,
  );
}

/** The reset that forfeited the member's grace period under this policy (`null`: none, or one before its start date). */
export function countedReset(
  policy: Partial<Pick<PolicyRecord, 'enforceFrom'>>,
  grace: Partial<Pick<GraceRecord, 'forfeitedAt'>>,
): Date | null {
  const forfeitedAt = grace.forfeitedAt ?? null;
  if (forfeitedAt === null || !policy.enforceFrom) return forfeitedAt;
  return forfeitedAt.getTime() >= policy.enforceFrom.getTime() ? forfeitedAt : null;
}

/**
 * Whether `enforceFrom` may be written at `now`: after now and at most a year ahead, unless
 * it is the one stored, sent back unchanged (an administrator editing another setting of a
 * policy whose start date has passed). Answers the reason when it may not.
 */
export function enforceFromProblem(enforceFrom: Date, stored: Date | null, now: Date): string | null {
  if (stored !== null && stored.getTime() === enforceFrom.getTime()) return null;
  if (enforceFrom.getTime() <= now.getTime()) return 'The start date must be in the future.';
  if (enforceFrom.getTime() > now.getTime() + MAX_ENFORCE_FROM_DAYS * DAY_MS)
    return `The start date must be at most ${MAX_ENFORCE_FROM_DAYS} days ahead.`;
  return null;
}
