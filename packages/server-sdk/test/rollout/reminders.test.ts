/**
 * Reminders to members without MFA: the announcement when a requiring policy is saved, seven
 * days and one day before each member's deadline, and when overdue — each once per member and
 * deadline — through `notify`; and an administrator's **Remind members without MFA**, at most
 * once a day per account, audited.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicy } from '../../src/model.ts';
import { defaultDirectory, expectError, type Harness, storeFactories } from '../support.ts';
import { DAY, DAY_S, type RolloutPortal, rolloutPortal, savePolicy } from './rollout.support.ts';

describe.each(storeFactories)('reminders on the %s store', (_name, makeStore) => {
  let h: RolloutPortal;
  afterEach(async () => {
    await h.mfa.close();
  });

  it('announces a start date, reminds 7 days and 1 day before the deadline, then overdue, each once', async () => {
    h = await rolloutPortal({ store: makeStore() });
    const enforceFrom = new Date(h.clock.now.getTime() + 10 * DAY);
    await savePolicy(h, { mode: 'required_all', gracePeriodDays: 7, enforceFrom: enforceFrom.toISOString() });
    const deadline = new Date(enforceFrom.getTime() + 7 * DAY);

    expect((await h.remind()).sent).toBe(2);
    expect(h.sent()).toEqual(['max:mfa_required_soon', 'sam:mfa_required_soon']);
    const announcement = h.mails.find((m) => m.to.userId === 'max');
    expect(announcement?.subject).toBe('Acme requires multi-factor authentication');
    expect(announcement?.text).toContain('will require multi-factor authentication to sign in from');
    // Idempotent: nothing more is due now, however often it is called.
    expect((await h.remind()).sent).toBe(0);
    expect((await h.remind()).sent).toBe(0);

    // Seven days before the deadline (the start date itself here).
    h.clock.now = new Date(deadline.getTime() - 7 * DAY);
    expect((await h.remind()).sent).toBe(2);
    expect((await h.remind()).sent).toBe(0);
    // Max sets up MFA: he hears no more.
    await h.enroll('max');
    h.clock.now = new Date(deadline.getTime() - DAY + 60_000);
    expect((await h.remind()).sent).toBe(1);
    h.clock.now = new Date(deadline.getTime() + 60_000);
    expect((await h.remind()).sent).toBe(1);
    h.advance(30 * DAY_S);
    expect((await h.remind()).sent).toBe(0);

    expect(h.sent()).toEqual([
      'max:mfa_required_soon',
      'sam:mfa_required_soon',
      'max:mfa_reminder',
      'sam:mfa_reminder',
      'sam:mfa_reminder',
      'sam:mfa_overdue',
    ]);
    const reminders = h.events.filter((e) => e.type === 'reminder.sent');
    expect(reminders.map((e) => [e.userId, (e.after as { stage: string }).stage])).toEqual([
      ['max', 'announcement'],
      ['sam', 'announcement'],
      ['max', 'seven_days'],
      ['sam', 'seven_days'],
      ['sam', 'one_day'],
      ['sam', 'overdue'],
    ]);
    for (const event of reminders) {
      expect(event.actorId).toBeNull();
      expect(event.accountId).toBe('acme');
      expect(event.after).toMatchObject({
        deadline: deadline.toISOString(),
        enforceFrom: enforceFrom.toISOString(),
      });
    }
  });

  it('a seven-day grace period announced today gets no seven-day reminder a minute later', async () => {
    h = await rolloutPortal({ store: makeStore() });
    await savePolicy(h, { mode: 'required_all', gracePeriodDays: 7 });
    expect((await h.remind()).sent).toBe(2);
    h.advance(60);
    expect((await h.remind()).sent).toBe(0);
    h.advance(6 * DAY_S);
    expect((await h.remind()).sent).toBe(2);
    expect(h.sent()).toEqual([
      'max:mfa_required_soon',
      'sam:mfa_required_soon',
      'max:mfa_reminder',
      'sam:mfa_reminder',
    ]);
  });

  it('the announcement tells each member the deadline it starts: their grace period begins with it', async () => {
    h = await rolloutPortal({ store: makeStore() });
    await savePolicy(h, { mode: 'required_all', gracePeriodDays: 5 });
    const announcedAt = new Date(h.clock.now);
    await h.remind();
    // Max signs in two days later: his deadline is the announced one, not five days from now.
    h.advance(2 * DAY_S);
    const access = await h.json('GET', '/mfa/accounts/acme/access', { as: 'max' });
    expect(access.body).toMatchObject({
      reason: 'grace_period',
      deadline: new Date(announcedAt.getTime() + 5 * DAY).toISOString(),
    });
  });

  it('a new deadline is a new occasion: moving the start date announces it again', async () => {
    h = await rolloutPortal({ store: makeStore() });
    const at = (days: number) => new Date(h.clock.now.getTime() + days * DAY).toISOString();
    await savePolicy(h, { mode: 'required_all', gracePeriodDays: 0, enforceFrom: at(20) });
    await h.remind();
    await savePolicy(h, { mode: 'required_all', gracePeriodDays: 0, enforceFrom: at(30) });
    await h.remind();
    expect(h.sent('mfa_required_soon')).toEqual([
      'max:mfa_required_soon',
      'sam:mfa_required_soon',
      'max:mfa_required_soon',
      'sam:mfa_required_soon',
    ]);
    // An optional policy reminds nobody.
    await savePolicy(h, { mode: 'optional' });
    h.advance(40 * DAY_S);
    expect((await h.remind()).sent).toBe(0);
  });

  it('does bounded work a call: at most `limit` reminders, then `more`', async () => {
    h = await rolloutPortal({ store: makeStore() });
    await savePolicy(h, { mode: 'required_all' });
    const first = await h.mfa.sendDueReminders({ limit: 1 });
    expect(first).toMatchObject({ sent: 1, more: true });
    const second = await h.mfa.sendDueReminders({ limit: 1 });
    expect(second).toMatchObject({ sent: 1 });
    expect((await h.mfa.sendDueReminders()).sent).toBe(0);
  });

  describe('Remind members without MFA', () => {
    const remind = (p: Harness, as = 'ada') =>
      p.json('POST', '/mfa/accounts/acme/reminders', { as, body: {} });

    it('reminds each member without MFA once, audited with the administrator, at most once a day', async () => {
      h = await rolloutPortal({ store: makeStore() });
      await savePolicy(h, { mode: 'required_all', gracePeriodDays: 14 });
      await h.remind();
      h.advance(3 * DAY_S);
      await h.verify('ada');
      const sent = await remind(h);
      expect(sent.status).toBe(200);
      expect(sent.body).toEqual({
        reminded: 2,
        sentAt: h.clock.now.toISOString(),
        nextAllowedAt: new Date(h.clock.now.getTime() + DAY).toISOString(),
      });
      const manual = h.events.filter((e) => (e.after as { stage?: string } | null)?.stage === 'manual');
      expect(manual.map((e) => [e.actorId, e.userId])).toEqual([
        ['ada', 'max'],
        ['ada', 'sam'],
      ]);
      expect(h.sent('mfa_reminder')).toEqual(['max:mfa_reminder', 'sam:mfa_reminder']);

      // Within a day: refused, with when it may be done again.
      h.advance(DAY_S - 60);
      await h.verify('ada');
      const again = await remind(h);
      expectError(again, 'reminder_limit');
      expect(again.status).toBe(429);
      // (Verifying took 30 s of the test's clock.)
      expect(again.res.headers.get('Retry-After')).toBe('30');
      expect(again.body.error).toMatchObject({
        retryAfterSeconds: 30,
        nextAllowedAt: sent.body.nextAllowedAt,
      });

      // The members list says when each was reminded, and when the next round may go.
      const members = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
      const byId = Object.fromEntries(members.body.members.map((m: { userId: string }) => [m.userId, m]));
      expect(byId.max.lastRemindedAt).toBe(sent.body.sentAt);
      expect(byId.ada.lastRemindedAt).toBeNull();
      expect(members.body.reminders).toEqual({
        lastSentAt: sent.body.sentAt,
        nextAllowedAt: sent.body.nextAllowedAt,
      });

      h.advance(30);
      expect((await remind(h)).status).toBe(200);
    });

    it('two administrators at once: one round goes out', async () => {
      h = await rolloutPortal({ store: makeStore() });
      await savePolicy(h, { mode: 'required_all' });
      const answers = await Promise.all([remind(h), remind(h), remind(h)]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 429, 429]);
      expect(h.events.filter((e) => e.type === 'reminder.sent')).toHaveLength(2);
    });

    it('under an optional policy there is no one to remind', async () => {
      h = await rolloutPortal({ store: makeStore() });
      expectError(await remind(h), 'nothing_to_remind');
      expect(h.events.filter((e) => e.type === 'reminder.sent')).toEqual([]);
    });

    it('is for administrators who pass the access decision', async () => {
      h = await rolloutPortal({ store: makeStore() });
      await savePolicy(h, { mode: 'required_all' });
      expectError(await remind(h, 'max'), 'not_admin');
      expectError(await remind(h, 'cleo'), 'not_member');
      expect(h.events.filter((e) => e.type === 'reminder.sent')).toEqual([]);
    });
  });
});

describe('reminders when an account cannot be looked at', () => {
  it('one account the host cannot list holds up no other, and is tried again an hour later', async () => {
    let failing = false;
    const errors: string[] = [];
    const dir = defaultDirectory();
    const h = await rolloutPortal(
      {
        onError: (_error, { operation }) => void errors.push(operation),
        listMembers: (accountId) => {
          if (accountId === 'acme' && failing) throw new Error('directory down');
          return Object.entries(dir.memberships[accountId] ?? {}).map(([userId, role]) => ({
            userId,
            role,
            displayName: dir.users[userId]?.displayName ?? userId,
            email: dir.users[userId]?.email ?? '',
          }));
        },
      },
      dir,
    );
    try {
      await savePolicy(h, { mode: 'required_all' });
      await h.store.putPolicy({ ...defaultPolicy('contoso'), mode: 'required_all', version: 1 }, 0);
      failing = true;
      // acme is looked at first, and fails: contoso's members are reminded all the same.
      const reminded = () =>
        h.events.filter((e) => e.type === 'reminder.sent').map((e) => `${e.accountId}:${e.userId}`);
      expect((await h.remind()).sent).toBe(2);
      expect(reminded()).toEqual(['contoso:cleo', 'contoso:sam']);
      expect(errors).toContain('listMembers');
      expect((await h.remind()).sent).toBe(0);
      failing = false;
      h.advance(3600);
      expect((await h.remind()).sent).toBe(2);
      expect(reminded().slice(2)).toEqual(['acme:max', 'acme:sam']);
    } finally {
      await h.mfa.close();
    }
  });
});
