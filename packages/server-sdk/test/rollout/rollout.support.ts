/** What the rollout's tests share: a portal whose notifications are kept, and its reminders' passes. */
import type { NotificationMessage } from '../../src/index.ts';
import type { MfaOptions } from '../../src/options.ts';
import { createHarness, type Directory, defaultDirectory, type Harness } from '../support.ts';

export const DAY_S = 86_400;
export const DAY = DAY_S * 1000;

export interface RolloutPortal extends Harness {
  mails: NotificationMessage[];
  /** The rollout's mails (or those of one kind), as `user:kind` strings in the order sent. */
  sent(kind?: string): string[];
  /** A reminders pass, then the delivery loop's: what `sendDueReminders` answered. */
  remind(): Promise<{ sent: number; more: boolean }>;
}

/** acme (ada admin, max and sam members), ada with an app; notifications kept in `mails`. */
export async function rolloutPortal(
  overrides: Partial<MfaOptions> = {},
  dir: Directory = defaultDirectory(),
): Promise<RolloutPortal> {
  const mails: NotificationMessage[] = [];
  const h = createHarness({ notify: (message) => void mails.push(message), ...overrides }, dir);
  await h.enroll('ada');
  const portal: RolloutPortal = Object.assign(h, {
    mails,
    sent: (kind?: string) =>
      mails
        .filter((m) =>
          kind === undefined ? m.kind.startsWith('mfa_') && m.kind !== 'mfa_reset' : m.kind === kind,
        )
        .map((m) => `${m.to.userId}:${m.kind}`),
    async remind() {
      const answer = await h.mfa.sendDueReminders();
      await h.mfa.deliverEvents();
      return answer;
    },
  });
  return portal;
}

/** Saves acme's policy as ada (who just verified), failing the test on an error. */
export async function savePolicy(h: Harness, body: Record<string, unknown>) {
  await h.verify('ada');
  const res = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body });
  if (res.status !== 200) throw new Error(`policy: ${JSON.stringify(res.body)}`);
  return res.body;
}
