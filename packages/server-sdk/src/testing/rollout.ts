/** The store conformance suite: rollouts' reminders, schedules and nudges. */
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../model.ts';
import type { AuditWrite, ReminderRecord } from '../store/store.ts';
import { type ConformanceContext, countTrue, later, T0, times } from './context.ts';

const DAY = 86_400_000;

export function rolloutConformance(t: ConformanceContext): void {
  const { id } = t;
  const reminder = (overrides: Partial<ReminderRecord> = {}): ReminderRecord => ({
    accountId: id('acme'),
    userId: id('max'),
    stage: 'announcement',
    deadline: later(7 * DAY),
    sentAt: T0,
    ...overrides,
  });
  /** An AuditWrite of one `reminder.sent` event, keeping what the store reports stored. */
  const write = (userId = id('max')) => {
    const stored: AuditEvent[] = [];
    const audit: AuditWrite = {
      events: [
        {
          type: 'reminder.sent',
          actorId: null,
          userId,
          accountId: id('acme'),
          before: null,
          after: { stage: 'announcement' },
          at: T0,
        },
      ],
      stored: (events) => stored.push(...events),
    };
    return { audit, stored };
  };

  describe('rollout', () => {
    it('recordReminder records a reminder once per occasion, with its audit event', async () => {
      const first = write();
      expect(await t.store.recordReminder(reminder(), first.audit)).toBe(true);
      expect(first.stored).toHaveLength(1);
      const again = write();
      expect(await t.store.recordReminder(reminder({ sentAt: later(1000) }), again.audit)).toBe(false);
      expect(again.stored).toEqual([]);
      // Another stage, another deadline, another member or account: another occasion.
      expect(await t.store.recordReminder(reminder({ stage: 'one_day' }))).toBe(true);
      expect(await t.store.recordReminder(reminder({ deadline: later(9 * DAY) }))).toBe(true);
      expect(await t.store.recordReminder(reminder({ userId: id('sam') }))).toBe(true);
      expect(await t.store.recordReminder(reminder({ accountId: id('contoso') }))).toBe(true);
      // An administrator's rounds: one per round's time.
      expect(await t.store.recordReminder(reminder({ stage: 'manual', sentAt: later(DAY) }))).toBe(true);
      expect(await t.store.recordReminder(reminder({ stage: 'manual', sentAt: later(DAY) }))).toBe(false);
      expect(await t.store.recordReminder(reminder({ stage: 'manual', sentAt: later(2 * DAY) }))).toBe(true);
      const events = await t.store.listAudit({ accountId: id('acme'), userIds: [], limit: 10 });
      expect(events.map((e) => e.type)).toEqual(['reminder.sent']);
    });

    it('recordReminder records one of 20 concurrent sends of the same reminder, with one event', async () => {
      const writes = Array.from({ length: 20 }, () => write());
      const recorded = await times(20, (i) =>
        t.store.recordReminder(reminder({ sentAt: later(i) }), writes[i]?.audit),
      );
      expect(countTrue(recorded)).toBe(1);
      expect(writes.flatMap((w) => w.stored)).toHaveLength(1);
      expect(await t.store.listReminders(id('acme'), [id('max')])).toHaveLength(1);
    });

    it('listReminders answers the listed members of that account, oldest first', async () => {
      await t.store.recordReminder(reminder({ stage: 'one_day', sentAt: later(2000) }));
      await t.store.recordReminder(reminder({ sentAt: later(1000) }));
      await t.store.recordReminder(reminder({ userId: id('sam'), sentAt: later(3000) }));
      await t.store.recordReminder(reminder({ userId: id('cleo') }));
      await t.store.recordReminder(reminder({ accountId: id('contoso') }));
      const listed = await t.store.listReminders(id('acme'), [id('max'), id('sam'), id('nobody')]);
      expect(listed).toEqual([
        reminder({ sentAt: later(1000) }),
        reminder({ stage: 'one_day', sentAt: later(2000) }),
        reminder({ userId: id('sam'), sentAt: later(3000) }),
      ]);
      expect(await t.store.listReminders(id('acme'), [])).toEqual([]);
    });

    it('claimReminderRound lets one round a day through, of 10 concurrent ones', async () => {
      const since = (at: Date) => new Date(at.getTime() - DAY);
      const claims = await times(10, (i) =>
        t.store.claimReminderRound(id('acme'), later(i), since(later(i))),
      );
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      const winner = claims.find((c) => c.claimed)?.lastAt as Date;
      for (const claim of claims.filter((c) => !c.claimed)) expect(claim.lastAt).toEqual(winner);
      expect(
        await t.store.claimReminderRound(id('acme'), later(DAY - 1000), since(later(DAY - 1000))),
      ).toEqual({
        claimed: false,
        lastAt: winner,
      });
      const next = later(DAY + 1000);
      expect(await t.store.claimReminderRound(id('acme'), next, since(next))).toEqual({
        claimed: true,
        lastAt: next,
      });
      expect((await t.store.getReminderSchedule(id('acme')))?.manualAt).toEqual(next);
      // Another account has its own.
      expect((await t.store.claimReminderRound(id('contoso'), T0, since(T0))).claimed).toBe(true);
    });

    it('dueReminderAccounts answers requiring accounts never looked at, changed since, or due', async () => {
      const due = async (at: Date) =>
        (await t.store.dueReminderAccounts(at, 10_000)).filter((a) => a.startsWith(t.prefix)).sort();
      await t.store.putPolicy(t.policy(id('acme'), 1), 0);
      await t.store.putPolicy(t.policy(id('contoso'), 1), 0);
      await t.store.putPolicy(t.policy(id('optional'), 1, { mode: 'optional' }), 0);
      expect(await due(later(5000))).toEqual([id('acme'), id('contoso')]);
      await t.store.scheduleReminders(id('acme'), later(5000), later(DAY));
      await t.store.scheduleReminders(id('contoso'), later(5000), later(2 * DAY));
      expect(await due(later(6000))).toEqual([]);
      expect(await due(later(DAY))).toEqual([id('acme')]);
      expect(await due(later(2 * DAY))).toEqual([id('acme'), id('contoso')]);
      // A policy written after the look: due at once.
      await t.store.putPolicy(t.policy(id('contoso'), 2, { updatedAt: later(7000) }), 1);
      expect(await due(later(8000))).toEqual([id('contoso')]);
      expect(await t.store.getReminderSchedule(id('acme'))).toEqual({
        scannedAt: later(5000),
        dueAt: later(DAY),
        manualAt: null,
      });
      expect(await t.store.getReminderSchedule(id('nobody'))).toBeNull();
    });

    it('dueReminderAccounts answers at most `limit`, those due longest first', async () => {
      for (const [name, dueIn] of [
        ['a', 3000],
        ['b', 1000],
        ['c', 2000],
      ] as const) {
        await t.store.putPolicy(t.policy(id(name), 1, { updatedAt: T0 }), 0);
        await t.store.scheduleReminders(id(name), later(500), later(dueIn));
      }
      const due = (await t.store.dueReminderAccounts(later(10_000), 10_000)).filter((a) =>
        a.startsWith(t.prefix),
      );
      expect(due).toEqual([id('b'), id('c'), id('a')]);
      expect((await t.store.dueReminderAccounts(later(10_000), 1)).length).toBe(1);
    });

    it('snoozeNudge counts snoozes per user and kind, up to the limit', async () => {
      expect(await t.store.getNudgeSnoozes(id('max'))).toEqual([]);
      expect(await t.store.snoozeNudge(id('max'), 'set_up', later(DAY), 3)).toEqual({
        kind: 'set_up',
        snoozes: 1,
        snoozedUntil: later(DAY),
      });
      expect((await t.store.snoozeNudge(id('max'), 'set_up', later(2 * DAY), 3))?.snoozes).toBe(2);
      expect((await t.store.snoozeNudge(id('max'), 'passkey', later(3 * DAY), 3))?.snoozes).toBe(1);
      expect((await t.store.snoozeNudge(id('max'), 'set_up', later(4 * DAY), 3))?.snoozes).toBe(3);
      expect(await t.store.snoozeNudge(id('max'), 'set_up', later(5 * DAY), 3)).toBeNull();
      const snoozes = await t.store.getNudgeSnoozes(id('max'));
      expect(snoozes.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
        { kind: 'passkey', snoozes: 1, snoozedUntil: later(3 * DAY) },
        { kind: 'set_up', snoozes: 3, snoozedUntil: later(4 * DAY) },
      ]);
      expect(await t.store.getNudgeSnoozes(id('sam'))).toEqual([]);
    });

    it('snoozeNudge lets 3 of 10 concurrent snoozes through', async () => {
      const results = await times(10, (i) => t.store.snoozeNudge(id('max'), 'set_up', later(i * 1000), 3));
      expect(results.filter((r) => r !== null)).toHaveLength(3);
      expect((await t.store.getNudgeSnoozes(id('max')))[0]?.snoozes).toBe(3);
    });
  });
}
