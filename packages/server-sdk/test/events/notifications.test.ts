/**
 * Security notifications tell a user of every change to their second factor, and an account's
 * administrators of member resets and policy changes: an attacker who takes over a session
 * and quietly adds a factor, or resets someone's MFA, is seen. They must never carry what the
 * attacker wants (a secret, a code, a token), must not let a name inject markup or mail
 * headers, and must reach the host's mailer once per event even when delivery is repeated.
 */
import { describe, expect, it } from 'vitest';
import { MfaConfigError } from '../../src/errors.ts';
import { memberDirectory } from '../../src/events/notifications/directory.ts';
import { noticesFor } from '../../src/events/notifications/messages.ts';
import { notificationSubscriber } from '../../src/events/notifications/subscriber.ts';
import { auditEventTypes } from '../../src/model.ts';
import { auditEvent, people, subscriberFor } from './notifications.support.ts';

const reset = (actorId: string | null, enrolled = true) =>
  auditEvent({
    type: 'mfa.reset',
    actorId,
    accountId: actorId === null ? null : 'acme',
    before: { enrolled },
    after: { enrolled: false },
  });

describe('notificationSubscriber', () => {
  it('is named notify, and wants only events that call for a message', () => {
    const subscriber = notificationSubscriber({ notify: () => {}, recipient: () => null });
    expect(subscriber.name).toBe('notify');
    const quiet = [
      auditEvent({ type: 'challenge.failed', after: { failures: 1, method: 'totp' } }),
      auditEvent({ type: 'challenge.replayed', after: { failures: 1, method: 'totp' } }),
      auditEvent({ type: 'webauthn.renamed', before: { name: 'a' }, after: { name: 'b' } }),
      auditEvent({ type: 'device.forgotten', before: { devices: 2 } }),
      reset('grace', false), // nothing was reset
      auditEvent({
        type: 'policy.updated',
        accountId: 'acme',
        before: { mode: 'optional' },
        after: { mode: 'optional' },
      }),
    ];
    for (const event of quiet) expect(subscriber.wants?.(event), event.type).toBe(false);
    expect(subscriber.wants?.(reset('grace'))).toBe(true);
  });

  it('maps every audit event type without throwing on payloads it does not expect', () => {
    for (const type of auditEventTypes) {
      for (const payload of [null, 'x', 42, {}, { enrolled: 'yes', remaining: '3', name: 7 }]) {
        expect(() =>
          noticesFor(auditEvent({ type, accountId: 'acme', before: payload, after: payload })),
        ).not.toThrow();
      }
    }
  });

  it('gives each message an id stable per event, kind and recipient: a redelivery repeats it', async () => {
    const { deliver } = subscriberFor('en');
    const event = reset('grace');
    const first = await deliver(event);
    const again = await deliver(event);
    expect(first.map((m) => m.id)).toEqual([
      `${event.id}:mfa_reset:ada`,
      `${event.id}:member_reset:grace`,
      `${event.id}:member_reset:lena`,
    ]);
    expect(again).toEqual(first);
  });

  it('throws when notify throws, so the loop tries the event again', async () => {
    let calls = 0;
    const subscriber = notificationSubscriber({
      notify: () => {
        calls += 1;
        if (calls === 2) throw new Error('mailer down');
      },
      recipient: (userId) => people[userId] ?? null,
      admins: () => ['grace', 'lena'],
    });
    await expect(subscriber.deliver(reset('grace'))).rejects.toThrow('mailer down');
    await expect(subscriber.deliver(reset('grace'))).resolves.toBeUndefined();
  });

  it('sends nothing to a user the host does not answer for', async () => {
    const { deliver } = subscriberFor('en', { recipient: () => null });
    expect(await deliver(auditEvent({ type: 'mfa.removed', before: { enrolled: true } }))).toEqual([]);
  });

  it("tells a member's reset to the other administrators, and to the member only as their own reset", async () => {
    const { deliver } = subscriberFor('en', { admins: () => ['grace', 'ada', 'lena', 'grace'] });
    const sent = await deliver(reset('grace'));
    expect(sent.map((m) => `${m.kind}:${m.to.userId}`)).toEqual([
      'mfa_reset:ada',
      'member_reset:grace',
      'member_reset:lena',
    ]);
    expect(sent[1]?.text).toContain('was reset by you');
    expect(sent[2]?.text).toContain('von Grace Hopper zurückgesetzt'); // Lena reads German
  });

  it('names an actor the host no longer knows as an administrator', async () => {
    const { deliver } = subscriberFor('en');
    const [toUser] = await deliver(reset('someone-gone'));
    expect(toUser?.text).toContain('was reset by an administrator');
  });

  it('takes administrators as recipients too, and sends none without the admins hook', async () => {
    const { deliver } = subscriberFor('en', {
      admins: () => [{ userId: 'ops', email: 'ops@example.test', displayName: 'Ops', locale: 'de' }],
    });
    const policy = auditEvent({
      type: 'policy.updated',
      userId: null,
      accountId: 'acme',
      before: { mode: 'optional' },
      after: { mode: 'required_all' },
    });
    const [message] = await deliver(policy);
    expect(message?.to).toEqual({ userId: 'ops', email: 'ops@example.test', displayName: 'Ops' });
    expect(message?.locale).toBe('de');
    const none = notificationSubscriber({
      notify: () => expect.fail('sent'),
      recipient: (id) => people[id] ?? null,
    });
    await none.deliver(policy);
  });

  it("writes in the recipient's language, then the locale option, then English", async () => {
    const event = () => auditEvent({ type: 'mfa.removed', before: { enrolled: true } });
    expect((await subscriberFor('de-AT').deliver(event()))[0]?.locale).toBe('de');
    expect((await subscriberFor('EN-gb').deliver(event()))[0]?.locale).toBe('en');
    expect((await subscriberFor('fr', { locale: 'de' }).deliver(event()))[0]?.locale).toBe('de');
    expect((await subscriberFor('fr').deliver(event()))[0]?.locale).toBe('en');
    expect((await subscriberFor(undefined).deliver(event()))[0]?.subject).toBe(
      'Your authenticator app was removed',
    );
  });

  it('takes any string in place of its own, and a language of the host’s', async () => {
    const strings = {
      de: {
        footer: 'Ihr Portal-Team',
        modeLabels: { optional: 'Freiwillig', required_admins: 'A', required_all: 'Alle' },
      },
      fr: { factorRemovedSubject: () => "Votre application d'authentification a été supprimée" },
    };
    const removed = auditEvent({ type: 'mfa.removed', before: { enrolled: true } });
    const [de] = await subscriberFor('de', { strings }).deliver(removed);
    expect(de?.text).toMatch(/Ihr Portal-Team$/);
    const [fr] = await subscriberFor('fr-CA', { strings }).deliver(removed);
    expect(fr?.locale).toBe('fr');
    expect(fr?.subject).toBe("Votre application d'authentification a été supprimée");
    expect(fr?.text).toContain('Your authenticator app was removed'); // what it does not give stays English
    const policy = auditEvent({
      type: 'policy.updated',
      actorId: 'grace',
      userId: null,
      accountId: 'acme',
      before: { mode: 'optional' },
      after: { mode: 'required_all' },
    });
    const [toLena] = (await subscriberFor('en', { strings }).deliver(policy)).filter(
      (m) => m.to.userId === 'lena',
    );
    expect(toLena?.text).toContain('von „Freiwillig“ zu „Alle“');
  });

  it('links the profile page in messages to the user, its URL escaped in HTML, and not to administrators', async () => {
    const { deliver } = subscriberFor('en');
    const [toUser, toAdmin] = await deliver(reset('grace'));
    expect(toUser?.text).toContain(
      'Review your sign-in security: https://portal.example/profile?tab=security&x=%221%22',
    );
    expect(toUser?.html).toContain('<a href="https://portal.example/profile?tab=security&#38;x=%221%22">');
    expect(toAdmin?.text).not.toContain('portal.example');
    const [plain] = await subscriberFor('en', { profileUrl: undefined } as never).deliver(reset('grace'));
    expect(plain?.html).not.toContain('<a ');
  });

  it('never carries a credential id, device id or anything of the event it was not meant to show', async () => {
    const { deliver } = subscriberFor('en');
    const events = [
      auditEvent({ type: 'webauthn.registered', after: { credentialId: 'cred-SENSITIVE-1', name: 'Key' } }),
      auditEvent({ type: 'webauthn.removed', before: { credentialId: 'cred-SENSITIVE-2', enrolled: true } }),
      auditEvent({
        type: 'device.remembered',
        after: {
          deviceId: 'dev-SENSITIVE-3',
          label: 'Phone',
          method: 'totp',
          expiresAt: '2026-12-30T00:00:00Z',
        },
      }),
    ];
    for (const event of events) {
      for (const { subject, text, html } of await deliver(event)) {
        expect(`${subject}${text}${html}`).not.toContain('SENSITIVE');
        expect(`${subject}${text}${html}`).not.toContain(event.id);
      }
    }
  });

  it('keeps a name with a line break from starting another mail header', async () => {
    const { deliver } = subscriberFor('en', {
      recipient: (id) =>
        id === 'ada' ? { email: 'a@x.test', displayName: 'Ada\r\nBcc: eve@x.test' } : (people[id] ?? null),
    });
    const toAdmin = (await deliver(reset('grace'))).find((m) => m.kind === 'member_reset');
    expect(toAdmin?.subject).not.toMatch(/[\r\n]/);
    expect(toAdmin?.subject).toContain('Ada Bcc: eve@x.test');
  });

  it('refuses a misconfiguration when it is created', () => {
    const base = { notify: () => {}, recipient: () => null };
    const bad: unknown[] = [
      undefined,
      { recipient: () => null },
      { notify: () => {} },
      { ...base, admins: ['grace'] },
      { ...base, profileUrl: '/profile' },
      { ...base, profileUrl: 'javascript:alert(1)' },
      { ...base, locale: '' },
      { ...base, strings: { de: 'Hallo' } },
    ];
    for (const options of bad) expect(() => notificationSubscriber(options as never)).toThrow(MfaConfigError);
  });
});

describe('memberDirectory', () => {
  const directory = memberDirectory({
    listMemberships: (userId) =>
      userId === 'nobody'
        ? []
        : [{ accountId: 'acme', accountName: 'Acme Inc.', role: userId === 'grace' ? 'admin' : 'member' }],
    listMembers: () => [
      { userId: 'ada', displayName: 'Ada', email: 'ada@example.test', role: 'member' },
      { userId: 'grace', displayName: 'Grace', email: 'grace@example.test', role: 'admin' },
    ],
    locale: (userId) => (userId === 'grace' ? 'de' : null),
  });

  it('answers recipients, administrators and account names from the membership hooks', async () => {
    expect(await directory.recipient('ada')).toEqual({ email: 'ada@example.test', displayName: 'Ada' });
    expect(await directory.recipient('nobody')).toBeNull();
    expect(await directory.admins('acme')).toEqual([
      { userId: 'grace', email: 'grace@example.test', displayName: 'Grace', locale: 'de' },
    ]);
    expect(await directory.accountName('acme', 'ada')).toBe('Acme Inc.');
    expect(await directory.accountName('other', 'ada')).toBeNull();
  });

  it('serves notificationSubscriber', async () => {
    const sent: string[] = [];
    const subscriber = notificationSubscriber({
      notify: (m) => void sent.push(`${m.kind}:${m.to.userId}:${m.locale}`),
      ...directory,
    });
    await subscriber.deliver(reset('grace'));
    expect(sent).toEqual(['mfa_reset:ada:en', 'member_reset:grace:de']);
  });
});
