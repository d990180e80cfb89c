import type { AuditWrite } from './audit-store.ts';

/**
 * A reminder to set up MFA: at a requiring policy's announcement, seven days and one day
 * before the member's deadline, when they become overdue, or in an administrator's round.
 */
export const reminderStages = ['announcement', 'seven_days', 'one_day', 'overdue', 'manual'] as const;
export type ReminderStage = (typeof reminderStages)[number];

/** A reminder sent to a member of an account. */
export interface ReminderRecord {
  accountId: string;
  userId: string;
  stage: ReminderStage;
  /** The member's deadline when it was sent (`null`: none). */
  deadline: Date | null;
  sentAt: Date;
}

/** The occasion a reminder is sent once for: its stage and deadline, or an administrator's round. */
export const reminderOccasion = (reminder: Pick<ReminderRecord, 'stage' | 'deadline' | 'sentAt'>): string =>
  reminder.stage === 'manual'
    ? `manual:${reminder.sentAt.getTime()}`
    : `${reminder.stage}:${reminder.deadline?.getTime() ?? 'none'}`;

/** An account's reminders: when last looked at, when next due, and the last administrator's round. */
export interface ReminderSchedule {
  scannedAt: Date | null;
  dueAt: Date | null;
  manualAt: Date | null;
}

/** What a nudge suggests: setting up MFA at all, or a passkey to a user who signs in with an app code. */
export const nudgeKinds = ['set_up', 'passkey'] as const;
export type NudgeKind = (typeof nudgeKinds)[number];

/** How often a user snoozed a nudge, and until when. */
export interface NudgeSnooze {
  kind: NudgeKind;
  snoozes: number;
  snoozedUntil: Date | null;
}

/**
 * Rollouts: the reminders sent to members without MFA, each account's reminder schedule, and
 * the nudges' snoozes.
 *
 * Atomic guarantees: `recordReminder` records a member's reminder of one occasion (a stage
 * and deadline, or an administrator's round) once, with its audit event, however many
 * instances send it at once; `claimReminderRound` lets one round an account through per
 * interval; `snoozeNudge` counts every snooze and none past the limit. Conformance:
 * testing/rollout.ts.
 */
export interface RolloutStore {
  /**
   * Records the reminder and appends its audit event, unless the member has one of this
   * occasion already (the same stage and deadline; for `manual`, the same `sentAt`, the
   * round's time). Whether it recorded it: only then is it to be sent.
   */
  recordReminder(reminder: ReminderRecord, write?: AuditWrite): Promise<boolean>;
  /** The reminders of these members in the account, oldest first. */
  listReminders(accountId: string, userIds: readonly string[]): Promise<ReminderRecord[]>;
  /**
   * An administrator's round of reminders in the account at `at`, unless the last one was
   * after `since`. Answers whether this one was let through, and the last round's time.
   */
  claimReminderRound(
    accountId: string,
    at: Date,
    since: Date,
  ): Promise<{ claimed: boolean; lastAt: Date | null }>;
  getReminderSchedule(accountId: string): Promise<ReminderSchedule | null>;
  /**
   * Accounts whose policy requires MFA of someone and whose reminders are due at `now`: never
   * looked at, looked at before the policy last changed, or due. At most `limit`, those due
   * longest first.
   */
  dueReminderAccounts(now: Date, limit: number): Promise<string[]>;
  /** The account's reminders looked at, as of `scannedAt` (when the look began), next due at `dueAt`. */
  scheduleReminders(accountId: string, scannedAt: Date, dueAt: Date): Promise<void>;
  /** The user's snoozes, per kind of nudge (kinds never snoozed have no entry). */
  getNudgeSnoozes(userId: string): Promise<NudgeSnooze[]>;
  /** Snoozes the nudge until `until`, unless it was snoozed `limit` times already (`null` then). */
  snoozeNudge(userId: string, kind: NudgeKind, until: Date, limit: number): Promise<NudgeSnooze | null>;
}
