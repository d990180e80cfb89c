/** A member's reminder recorded once per occasion, with its audit event, as a plan. */
import type { Kysely } from 'kysely';
import type { AuditWrite } from '../../audit-store.ts';
import { type ReminderRecord, reminderOccasion } from '../../rollout-store.ts';
import { absent, audited, type Plan } from '../plan.ts';
import type { Database } from '../schema.ts';
import { toMs } from '../write-statements.ts';

export function recordReminderPlan(
  db: Kysely<Database>,
  reminder: ReminderRecord,
  write: AuditWrite | undefined,
): Plan<boolean> {
  const occasion = reminderOccasion(reminder);
  const recorded = db
    .selectFrom('mfa_reminders')
    .select('occasion')
    .where('account_id', '=', reminder.accountId)
    .where('user_id', '=', reminder.userId)
    .where('occasion', '=', occasion);
  return {
    key: `reminder:${reminder.accountId}:${reminder.userId}`,
    reads: [recorded.compile()],
    decide: ([rows = []]) => {
      if (rows.length > 0) return { done: false };
      return {
        asRead: absent(recorded),
        statements: [
          db
            .insertInto('mfa_reminders')
            .values({
              account_id: reminder.accountId,
              user_id: reminder.userId,
              occasion,
              stage: reminder.stage,
              deadline: reminder.deadline ? toMs(reminder.deadline) : null,
              sent_at: toMs(reminder.sentAt),
            })
            .compile(),
        ],
        audit: audited(write, true),
        answer: () => true,
      };
    },
  };
}
