/**
 * When a member without MFA is reminded (pure rules): at the announcement of a requiring
 * policy, seven days and one day before their deadline, and when they become overdue — each
 * once per deadline. A reminder already sent covers the stages that began before it: a
 * seven-day grace period announced today gets no seven-day reminder a minute later.
 */
import type { ReminderRecord, ReminderStage } from '../store/rollout-store.ts';

const DAY_MS = 86_400_000;

/** The stages before a deadline, and when each begins relative to it (latest last). */
const stages: readonly { stage: ReminderStage; before: number }[] = [
  { stage: 'seven_days', before: 7 * DAY_MS },
  { stage: 'one_day', before: DAY_MS },
  { stage: 'overdue', before: 0 },
];

/** The reminder due now for a member with this deadline, given those already sent for it (`null`: none). */
export function dueStage(
  deadline: Date,
  sent: readonly Pick<ReminderRecord, 'stage' | 'sentAt'>[],
  now: Date,
): ReminderStage | null {
  const end = deadline.getTime();
  if (sent.length === 0) return now.getTime() < end ? 'announcement' : 'overdue';
  const lastSent = Math.max(...sent.map((r) => r.sentAt.getTime()));
  const reached = stages.filter(({ before }) => end - before <= now.getTime()).at(-1);
  if (!reached || end - reached.before <= lastSent) return null;
  return sent.some((r) => r.stage === reached.stage) ? null : reached.stage;
}

/** When the next reminder for this deadline will be due, after those sent (`null`: none is left). */
export function nextStageAt(deadline: Date, sent: readonly Pick<ReminderRecord, 'sentAt'>[]): Date | null {
  const lastSent = Math.max(0, ...sent.map((r) => r.sentAt.getTime()));
  const next = stages.find(({ before }) => deadline.getTime() - before > lastSent);
  return next ? new Date(deadline.getTime() - next.before) : null;
}
