/**
 * Reminders on two instances sharing PostgreSQL (needs DATABASE_URL), each with its own pool,
 * as behind a load balancer, both sending due reminders at once as their schedulers fire:
 * each member gets each reminder once, and one administrator's round a day goes out.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../../src/index.ts';
import { postgresStore } from '../../src/postgres.ts';
import { testSchemas, urlWithSchema } from '../postgres.helpers.ts';
import { createHarness, type Directory, defaultDirectory, type Harness } from '../support.ts';
import { DAY, DAY_S } from './rollout.support.ts';

const schemas = testSchemas();
afterAll(() => schemas.close());

/** acme with 30 members without MFA besides ada. */
function directory(): Directory {
  const dir = defaultDirectory();
  for (let i = 0; i < 30; i++) {
    dir.users[`m${i}`] = { email: `m${i}@acme.test`, displayName: `Member ${i}` };
    (dir.memberships.acme as Record<string, 'member'>)[`m${i}`] = 'member';
  }
  return dir;
}

describe('reminders on two instances sharing PostgreSQL', () => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  const instances = async () => {
    const url = urlWithSchema(await schemas.create('reminders'));
    const mails: NotificationMessage[] = [];
    const dir = directory();
    const make = (clockOf?: Harness) => {
      const h = createHarness(
        {
          store: postgresStore({ connectionString: url, max: 4 }),
          notify: (m) => void mails.push(m),
          // One clock for both instances: a's.
          ...(clockOf ? { now: () => new Date(clockOf.clock.now) } : {}),
        },
        dir,
      );
      open.push(h);
      return h;
    };
    const a = make();
    const b = make(a);
    await a.mfa.ready();
    await b.mfa.ready();
    return { a, b, mails };
  };

  /** Both instances' passes at once, several times, then every event delivered. */
  const bothRemind = async (a: Harness, b: Harness) => {
    const answers = await Promise.all([
      a.mfa.sendDueReminders({ limit: 7 }),
      b.mfa.sendDueReminders({ limit: 7 }),
      a.mfa.sendDueReminders(),
      b.mfa.sendDueReminders(),
    ]);
    for (let more = true; more; ) {
      const next = await Promise.all([a.mfa.sendDueReminders(), b.mfa.sendDueReminders()]);
      answers.push(...next);
      more = next.some((n) => n.more);
    }
    await Promise.all([a.mfa.deliverEvents(), b.mfa.deliverEvents()]);
    await a.mfa.deliverEvents();
    return answers.reduce((n, answer) => n + answer.sent, 0);
  };

  it('each member gets each reminder once, whichever instance sends it', async () => {
    const { a, b, mails } = await instances();
    await a.enroll('ada');
    const from = new Date(a.clock.now.getTime() + 10 * DAY);
    const saved = await a.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all', gracePeriodDays: 7, enforceFrom: from.toISOString() },
    });
    expect(saved.status).toBe(200);
    const deadline = from.getTime() + 7 * DAY;
    const members = 32; // max, sam and 30 more

    expect(await bothRemind(a, b)).toBe(members);
    for (const at of [deadline - 7 * DAY, deadline - DAY, deadline]) {
      a.clock.now = new Date(at + 1000);
      expect(await bothRemind(a, b)).toBe(members);
      expect(await bothRemind(a, b)).toBe(0);
    }
    a.advance(30 * DAY_S);
    expect(await bothRemind(a, b)).toBe(0);

    const reminders = mails.filter((m) => m.kind !== 'policy_changed' && m.kind !== 'factor_added');
    const ids = reminders.map((m) => m.id);
    // Delivery is at least once (an id may come twice); each reminder has one id.
    const kinds = new Map<string, string>();
    for (const m of reminders) kinds.set(m.id, `${m.to.userId}:${m.kind}`);
    expect(new Set(ids).size).toBe(4 * members);
    const perMember = new Map<string, string[]>();
    for (const entry of kinds.values()) {
      const [user, kind] = entry.split(':') as [string, string];
      perMember.set(user, [...(perMember.get(user) ?? []), kind]);
    }
    expect(perMember.size).toBe(members);
    for (const sent of perMember.values()) {
      expect(sent.sort()).toEqual(['mfa_overdue', 'mfa_reminder', 'mfa_reminder', 'mfa_required_soon']);
    }
  });

  it("one administrator's round a day, whichever instance is asked", async () => {
    const { a, b } = await instances();
    await a.enroll('ada');
    await a.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } });
    const remind = (h: Harness) => h.json('POST', '/mfa/accounts/acme/reminders', { as: 'ada', body: {} });
    const answers = await Promise.all([remind(a), remind(b), remind(a), remind(b)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 429, 429, 429]);
    const round = answers.find((r) => r.status === 200);
    expect(round?.body.reminded).toBe(32);
    const events = await a.store.listAudit({ accountId: 'acme', userIds: [], limit: 100 });
    expect(events.filter((e) => e.type === 'reminder.sent')).toHaveLength(32);
  });
});
