/**
 * Reminders to members without MFA (DESIGN "Rollout"): for each account whose policy
 * requires MFA, each member it requires MFA of who holds no factor it accepts is reminded at
 * the announcement, seven days and one day before their deadline, and when overdue
 * (reminder-schedule.ts). Each reminder is recorded once per member and occasion with its
 * `reminder.sent` audit event, in one store write, so instances that send at once send it
 * once; the delivery loop hands the event to `notify` (events/notifications/) and the other
 * subscribers. `sendDueReminders` does bounded work a call: it looks only at accounts that are
 * due (store: `dueReminderAccounts`), and records at most `limit` reminders.
 */
import { recordedChange } from '../core/audit.ts';
import type { MfaContext } from '../core/context.ts';
import { acceptedMethods, hasAccepted, type MemberListing, policyRequires } from '../model.ts';
import { memberDeadline } from '../policy/enforcement.ts';
import { loadPolicy } from '../policy/policy.ts';
import type { ReminderRecord, ReminderStage } from '../store/rollout-store.ts';
import { dueStage, nextStageAt } from './reminder-schedule.ts';

const DAY_MS = 86_400_000;
/** An account whose look failed is looked at again this much later. */
const RETRY_MS = 3_600_000;

export interface SendRemindersOptions {
  /** At most this many reminders a call (default 200). */
  limit?: number;
  /** At most this many accounts looked at a call (default 50). */
  accounts?: number;
}

export interface RemindersSent {
  /** Reminders recorded (and so handed to the subscribers) by this call. */
  sent: number;
  /** Accounts looked at. */
  accounts: number;
  /** Whether more is due now: call again. */
  more: boolean;
}

/** An administrator's round: every member without MFA reminded now, once, by them. */
export interface ReminderRound {
  at: Date;
  actorId: string;
}

/**
 * The reminders due now, in the accounts due now (a host's scheduler calls it: a cron, a
 * Worker's scheduled handler). Idempotent: a reminder recorded once is never sent again.
 */
export async function sendDueReminders(
  ctx: MfaContext,
  { limit = 200, accounts = 50 }: SendRemindersOptions = {},
): Promise<RemindersSent> {
  const now = ctx.now();
  const due = await ctx.store.dueReminderAccounts(now, accounts);
  let sent = 0;
  for (const accountId of due) {
    let scan: Awaited<ReturnType<typeof remindAccount>>;
    try {
      scan = await remindAccount(ctx, accountId, now, limit - sent, null);
    } catch (error) {
      // One account the host cannot list (or the store fails on) holds up no other: it is
      // reported, and looked at again in an hour.
      ctx.fail(error, 'sendDueReminders');
      await ctx.store.scheduleReminders(accountId, now, new Date(now.getTime() + RETRY_MS));
      continue;
    }
    sent += scan.sent;
    // An account looked at whole waits until its next reminder is due (a day at most, for
    // members who join meanwhile); one cut short by the limit is due again at once.
    await ctx.store.scheduleReminders(accountId, now, scan.complete ? scan.nextDueAt : now);
    if (!scan.complete) return { sent, accounts: due.length, more: true };
  }
  return { sent, accounts: due.length, more: due.length === accounts };
}

/** The members the account's policy requires MFA of (or will, from its start date) who hold no factor it accepts. */
export async function membersWithoutMfa(ctx: MfaContext, accountId: string) {
  const policy = await loadPolicy(ctx, accountId);
  const required = (await ctx.members(accountId)).filter((m) => policyRequires(policy.mode, m.role));
  const enrollments = await ctx.store.getEnrollments(required.map((m) => m.userId));
  const accepts = acceptedMethods(policy.allowedFactors);
  const without = required.filter((m) => !hasAccepted(enrollments.get(m.userId)?.methods ?? [], accepts));
  return { policy, without };
}

/**
 * Looks at one account at `now`: records the reminders due (at most `budget`), or with a
 * `round` one `manual` reminder to each member without MFA. A member seen here for the first
 * time under the policy has their grace period start now (their deadline is what the
 * announcement tells them; before a start date it counts from that date).
 */
export async function remindAccount(
  ctx: MfaContext,
  accountId: string,
  now: Date,
  budget: number,
  round: ReminderRound | null,
): Promise<{ sent: number; complete: boolean; nextDueAt: Date }> {
  const { policy, without } = await membersWithoutMfa(ctx, accountId);
  let nextDueAt = new Date(now.getTime() + DAY_MS);
  if (policy.mode === 'optional' || without.length === 0) return { sent: 0, complete: true, nextDueAt };
  const ids = without.map((m) => m.userId);
  const [graces, reminders] = await Promise.all([
    ctx.store.getGraceStarts(accountId, ids),
    ctx.store.listReminders(accountId, ids),
  ]);
  let sent = 0;
  for (const member of without) {
    if (sent >= budget) return { sent, complete: false, nextDueAt: now };
    const grace = graces.get(member.userId) ?? (await ctx.store.startGrace(accountId, member.userId, now));
    const deadline = memberDeadline(policy, grace);
    const mine = reminders.filter(
      (r) => r.userId === member.userId && r.deadline?.getTime() === deadline.getTime(),
    );
    const stage = round ? 'manual' : dueStage(deadline, mine, now);
    if (stage) {
      const sentAt = round?.at ?? now;
      const reminder = { accountId, userId: member.userId, stage, deadline, sentAt };
      if (await recordReminder(ctx, reminder, member, policy.enforceFrom, round?.actorId ?? null)) sent++;
      mine.push(reminder);
    }
    const next = nextStageAt(deadline, mine);
    if (next && next < nextDueAt) nextDueAt = next.getTime() <= now.getTime() ? now : next;
  }
  return { sent, complete: true, nextDueAt };
}

/** The reminder recorded with its `reminder.sent` event (the notification's source), unless sent already. */
function recordReminder(
  ctx: MfaContext,
  reminder: ReminderRecord & { stage: ReminderStage },
  member: MemberListing,
  enforceFrom: Date | null,
  actorId: string | null,
): Promise<boolean> {
  return recordedChange(ctx, (audit) => ctx.store.recordReminder(reminder, audit), {
    type: 'reminder.sent',
    actorId,
    userId: member.userId,
    accountId: reminder.accountId,
    before: null,
    after: {
      stage: reminder.stage,
      deadline: reminder.deadline?.toISOString() ?? null,
      enforceFrom: enforceFrom?.toISOString() ?? null,
    },
  });
}
