import {
  type NudgeSnooze,
  type ReminderRecord,
  type ReminderSchedule,
  type RolloutStore,
  reminderOccasion,
} from '../rollout-store.ts';
import type { MemoryState } from './state.ts';

const copyReminder = (r: ReminderRecord): ReminderRecord => ({ ...r });

/** Rollouts' reminders, schedules and nudges. In memory: each method runs to completion without an `await` between its read and its write. */
export function rolloutMethods(mem: MemoryState): RolloutStore {
  const reminders = new Map<string, ReminderRecord>();
  const schedules = new Map<string, ReminderSchedule>();
  const nudges = new Map<string, NudgeSnooze>();
  const key = (...parts: string[]) => parts.join('\u0000');
  const schedule = (accountId: string) => {
    const found = schedules.get(accountId) ?? { scannedAt: null, dueAt: null, manualAt: null };
    schedules.set(accountId, found);
    return found;
  };
  return {
    async recordReminder(reminder, write) {
      const at = key(reminder.accountId, reminder.userId, reminderOccasion(reminder));
      if (reminders.has(at)) return false;
      reminders.set(at, copyReminder(reminder));
      mem.recordWith(write, true);
      return true;
    },
    async listReminders(accountId, userIds) {
      const users = new Set(userIds);
      return [...reminders.values()]
        .filter((r) => r.accountId === accountId && users.has(r.userId))
        .sort((a, b) => a.sentAt.getTime() - b.sentAt.getTime())
        .map(copyReminder);
    },
    async claimReminderRound(accountId, at, since) {
      const found = schedule(accountId);
      const lastAt = found.manualAt;
      if (lastAt !== null && lastAt.getTime() > since.getTime()) return { claimed: false, lastAt };
      found.manualAt = at;
      return { claimed: true, lastAt: at };
    },
    async getReminderSchedule(accountId) {
      const found = schedules.get(accountId);
      return found ? { ...found } : null;
    },
    async dueReminderAccounts(now, limit) {
      const due: { accountId: string; dueAt: number }[] = [];
      for (const policy of mem.policies.values()) {
        if (policy.mode === 'optional') continue;
        const found = schedules.get(policy.accountId);
        const changed = (policy.updatedAt?.getTime() ?? 0) > (found?.scannedAt?.getTime() ?? -1);
        const dueAt = found?.dueAt?.getTime() ?? 0;
        if (!found?.scannedAt || changed || dueAt <= now.getTime())
          due.push({ accountId: policy.accountId, dueAt });
      }
      return due
        .sort((a, b) => a.dueAt - b.dueAt || (a.accountId < b.accountId ? -1 : 1))
        .slice(0, limit)
        .map((d) => d.accountId);
    },
    async scheduleReminders(accountId, scannedAt, dueAt) {
      const found = schedule(accountId);
      found.scannedAt = scannedAt;
      found.dueAt = dueAt;
    },
    async getNudgeSnoozes(userId) {
      return [...nudges.entries()]
        .filter(([k]) => k.startsWith(`${userId}\u0000`))
        .map(([, snooze]) => ({ ...snooze }));
    },
    async snoozeNudge(userId, kind, until, limit) {
      const at = key(userId, kind);
      const found = nudges.get(at);
      if ((found?.snoozes ?? 0) >= limit) return null;
      const next = { kind, snoozes: (found?.snoozes ?? 0) + 1, snoozedUntil: until };
      nudges.set(at, next);
      return { ...next };
    },
  };
}
