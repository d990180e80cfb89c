/**
 * Due reminders sent by the instance itself (`reminders: 'background'`): every ten minutes,
 * and a few seconds after a policy is saved (the announcement). Instances that all run it
 * send each reminder once (the store records each once); a pass that fails is reported and
 * tried again at the next.
 */
import type { MfaContext } from '../core/context.ts';
import { sendDueReminders } from './reminders.ts';

export const REMINDER_PASS_EVERY_MS = 10 * 60_000;
/** After a policy is saved: long enough for a burst of saves to make one pass. */
const AFTER_SAVE_MS = 2_000;
/** At most this many bounded calls a pass (each at most 200 reminders). */
const CALLS_A_PASS = 20;

export interface ReminderLoop {
  start(): void;
  /** A pass soon (a policy was saved). */
  wake(): void;
  stop(): Promise<void>;
}

export function reminderLoop(ctx: MfaContext, everyMs = REMINDER_PASS_EVERY_MS): ReminderLoop {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const arm = (ms: number) => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(pass, ms);
    (timer as { unref?: () => void }).unref?.();
  };
  const pass = () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      await ctx.ready();
      for (let call = 0; call < CALLS_A_PASS && !stopped; call++) {
        if (!(await sendDueReminders(ctx)).more) break;
      }
    })()
      .catch((error: unknown) => void ctx.fail(error, 'sendDueReminders'))
      .finally(() => {
        running = undefined;
        arm(again ? 0 : everyMs);
        again = false;
      });
  };
  return {
    start: () => arm(everyMs),
    wake: () => {
      if (running) again = true;
      else arm(AFTER_SAVE_MS);
    },
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
