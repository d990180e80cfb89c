/** Rollouts' reads and one-statement writes: reminders, each account's schedule, nudges' snoozes. */
import { sql } from 'kysely';
import type {
  NudgeKind,
  NudgeSnooze,
  ReminderRecord,
  ReminderSchedule,
  ReminderStage,
} from '../../rollout-store.ts';
import type { MfaStore } from '../../store.ts';
import { idList, toDate, toDateOrNull } from '../rows.ts';
import type { Database } from '../schema.ts';
import type { QueryContext } from './context.ts';

type RolloutQueries = Pick<
  MfaStore,
  | 'listReminders'
  | 'claimReminderRound'
  | 'getReminderSchedule'
  | 'dueReminderAccounts'
  | 'scheduleReminders'
  | 'getNudgeSnoozes'
  | 'snoozeNudge'
>;

const reminderFromRow = (row: Database['mfa_reminders']): ReminderRecord => ({
  accountId: row.account_id,
  userId: row.user_id,
  stage: row.stage as ReminderStage,
  deadline: toDateOrNull(row.deadline),
  sentAt: toDate(row.sent_at),
});

const snoozeFromRow = (
  row: Pick<Database['mfa_nudges'], 'kind' | 'snoozes' | 'snoozed_until'>,
): NudgeSnooze => ({
  kind: row.kind as NudgeKind,
  snoozes: Number(row.snoozes),
  snoozedUntil: toDateOrNull(row.snoozed_until),
});

export function rolloutQueries({ q, flavour }: QueryContext): RolloutQueries {
  return {
    async listReminders(accountId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await (await q())
        .selectFrom('mfa_reminders')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('user_id', 'in', idList(flavour, userIds))
        .orderBy('sent_at')
        .execute();
      return rows.map(reminderFromRow);
    },
    async claimReminderRound(accountId, at, since) {
      const db = await q();
      // One statement: the row's lock (PostgreSQL) or the write lock (SQLite) lets one through.
      const claimed = await db
        .insertInto('mfa_reminder_accounts')
        .values({ account_id: accountId, scanned_at: null, due_at: null, manual_at: at.getTime() })
        .onConflict((oc) =>
          oc
            .column('account_id')
            .doUpdateSet({ manual_at: at.getTime() })
            .where((eb) =>
              eb.or([
                eb('mfa_reminder_accounts.manual_at', 'is', null),
                eb('mfa_reminder_accounts.manual_at', '<=', since.getTime()),
              ]),
            ),
        )
        .returning('manual_at')
        .executeTakeFirst();
      if (claimed) return { claimed: true, lastAt: at };
      const row = await db
        .selectFrom('mfa_reminder_accounts')
        .select('manual_at')
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return { claimed: false, lastAt: toDateOrNull(row?.manual_at ?? null) };
    },
    async getReminderSchedule(accountId) {
      const row = await (await q())
        .selectFrom('mfa_reminder_accounts')
        .selectAll()
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        scannedAt: toDateOrNull(row.scanned_at),
        dueAt: toDateOrNull(row.due_at),
        manualAt: toDateOrNull(row.manual_at),
      } satisfies ReminderSchedule;
    },
    async dueReminderAccounts(now, limit) {
      const rows = await (await q())
        .selectFrom('mfa_policies as p')
        .leftJoin('mfa_reminder_accounts as r', 'r.account_id', 'p.account_id')
        .select('p.account_id')
        .where('p.mode', '<>', 'optional')
        .where((eb) =>
          eb.or([
            eb('r.scanned_at', 'is', null),
            eb('r.due_at', 'is', null),
            eb('r.due_at', '<=', now.getTime()),
            eb('p.updated_at', '>', eb.ref('r.scanned_at')),
          ]),
        )
        .orderBy(sql`coalesce(r.due_at, 0)`)
        .orderBy('p.account_id')
        .limit(limit)
        .execute();
      return rows.map((row) => row.account_id);
    },
    async scheduleReminders(accountId, scannedAt, dueAt) {
      const values = { scanned_at: scannedAt.getTime(), due_at: dueAt.getTime() };
      await (await q())
        .insertInto('mfa_reminder_accounts')
        .values({ account_id: accountId, manual_at: null, ...values })
        .onConflict((oc) => oc.column('account_id').doUpdateSet(values))
        .execute();
    },
    async getNudgeSnoozes(userId) {
      const rows = await (await q())
        .selectFrom('mfa_nudges')
        .select(['kind', 'snoozes', 'snoozed_until'])
        .where('user_id', '=', userId)
        .execute();
      return rows.map(snoozeFromRow);
    },
    async snoozeNudge(userId, kind, until, limit) {
      // One statement: a snooze past the limit changes no row, whatever runs beside it.
      const row = await (await q())
        .insertInto('mfa_nudges')
        .values({ user_id: userId, kind, snoozes: 1, snoozed_until: until.getTime() })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'kind'])
            .doUpdateSet((eb) => ({
              snoozes: sql<number>`${eb.ref('mfa_nudges.snoozes')} + 1`,
              snoozed_until: until.getTime(),
            }))
            .where('mfa_nudges.snoozes', '<', limit),
        )
        .returning(['kind', 'snoozes', 'snoozed_until'])
        .executeTakeFirst();
      return limit < 1 || !row ? null : snoozeFromRow(row);
    },
  };
}
