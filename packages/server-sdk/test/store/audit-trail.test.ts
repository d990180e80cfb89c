/**
 * Covering tracks. An insider who weakens an account's policy, resets a
 * colleague's MFA to take over their account, or an outsider who guesses and
 * replays codes, hopes that nobody can tell afterwards who did what, to whom and
 * when. Every change to MFA and every refused or suspicious verification is an
 * audit event, stored and handed to the host's `onEvent`, naming the actor (null
 * only for the host's own staff), the user concerned, the account where one
 * applies, the state before and after where something changed, and the time by
 * the service's clock. Each of the nine event types is asserted field by field,
 * in what `onEvent` got and in what the store keeps.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditEvent, auditEventTypes, type MfaStore, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, type Harness, wrongCode } from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, verifyWithPasskey } from '../webauthn/passkeys.ts';

type Expected = Omit<AuditEvent, 'id' | 'at'>;

describe.each([
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ filename: ':memory:' })],
] as [string, () => MfaStore][])('on the %s store', (_name, makeStore) => {
  let h: Harness;
  const seen = new Set<string>();
  beforeEach(() => {
    h = createHarness({ store: makeStore() });
  });
  afterEach(async () => {
    await h.mfa.close();
  });

  /** Runs `act` and asserts exactly the events it caused, all at the clock's time, stored as handed out. */
  async function expectEvents(act: () => Promise<unknown>, expected: Expected[]) {
    const from = h.events.length;
    const at = new Date(h.clock.now);
    await act();
    // A call to `mfa` itself (not a request, after which the harness runs a pass): its events
    // reach `onEvent` with the next pass of the delivery loop.
    await h.mfa.deliverEvents();
    const events = h.events.slice(from);
    expect(events).toEqual(expected.map((e) => ({ ...e, id: expect.any(String), at })));
    for (const event of events) {
      seen.add(event.type);
      const stored = await h.store.listAudit({
        accountId: event.accountId ?? '-',
        userIds: event.userId ? [event.userId] : [],
        beforeId: String(Number(event.id) + 1),
        limit: 1,
      });
      expect(stored).toEqual([event]);
    }
  }

  const policy = (mode: string, gracePeriodDays = 7) => ({
    mode,
    gracePeriodDays,
    enforceAfterSso: false,
    allowedFactors: 'any',
    rememberDeviceDays: 0,
    enforceFrom: null,
  });

  it('records every change and every refused verification, field by field', async () => {
    let ada = { secret: '', recoveryCodes: [] as string[] };
    await expectEvents(async () => {
      ada = await h.enroll('ada');
    }, [
      {
        type: 'mfa.enrolled',
        actorId: 'ada',
        userId: 'ada',
        accountId: null,
        before: { enrolled: false },
        after: { enrolled: true, factor: 'totp' },
      },
    ]);
    await expectEvents(
      () =>
        h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode: 'required_all', gracePeriodDays: 14 },
        }),
      [
        {
          type: 'policy.updated',
          actorId: 'ada',
          userId: null,
          accountId: 'acme',
          before: policy('optional'),
          after: policy('required_all', 14),
        },
      ],
    );

    const max = await h.enroll('max');
    // Replacing the factor is an enrollment that says there was one before.
    const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
    await expectEvents(
      async () =>
        h.json('POST', '/mfa/me/totp/confirm', {
          as: 'max',
          body: { code: await h.code(setup.body.secret) },
        }),
      [
        {
          type: 'mfa.enrolled',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: { enrolled: true },
          after: { enrolled: true, factor: 'totp' },
        },
      ],
    );
    // The new app's code was no step-up: max verifies with it before renewing his codes.
    h.advance(30);
    await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: await h.code(setup.body.secret) } });
    const codes = (await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' })).body
      .recoveryCodes as string[];
    h.advance(30);
    await expectEvents(
      () =>
        h.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s2', body: { recoveryCode: codes[0] } }),
      [
        {
          type: 'recovery_code.used',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: { remaining: 10 },
          after: { remaining: 9 },
        },
      ],
    );
    await expectEvents(
      () => h.json('POST', '/mfa/me/recovery-codes', { as: 'max', session: 'max-s2' }),
      [
        {
          type: 'recovery_codes.regenerated',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: { remaining: 9 },
          after: { remaining: 10 },
        },
      ],
    );

    // Guessing and replaying, up to the lock.
    const failed = (failures: number, kind: string) => ({
      type: 'challenge.failed' as const,
      actorId: 'max',
      userId: 'max',
      accountId: null,
      before: null,
      after: { failures, kind, method: kind },
    });
    await expectEvents(
      async () =>
        h.json('POST', '/mfa/challenge', {
          as: 'max',
          body: { code: await wrongCode(h, setup.body.secret) },
        }),
      [failed(1, 'totp')],
    );
    await expectEvents(
      () => h.json('POST', '/mfa/challenge', { as: 'max', body: { recoveryCode: 'aaaaa-bbbbb' } }),
      [failed(2, 'recovery')],
    );
    const used = await h.code(setup.body.secret);
    expect(
      (await h.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s3', body: { code: used } })).status,
    ).toBe(200);
    for (let i = 0; i < 2; i++)
      await h.json('POST', '/mfa/challenge', {
        as: 'max',
        body: { code: await wrongCode(h, setup.body.secret) },
      });
    await expectEvents(
      () => h.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s4', body: { code: used } }),
      [
        {
          type: 'challenge.replayed',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: null,
          after: { failures: 3, kind: 'totp', method: 'totp' },
        },
      ],
    );
    await h.json('POST', '/mfa/challenge', {
      as: 'max',
      body: { code: await wrongCode(h, setup.body.secret) },
    });
    await expectEvents(
      async () =>
        h.json('POST', '/mfa/challenge', {
          as: 'max',
          body: { code: await wrongCode(h, setup.body.secret) },
        }),
      [
        failed(5, 'totp'),
        {
          type: 'challenge.locked',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: null,
          after: { failures: 5, lockedForSeconds: 30 },
        },
      ],
    );
    // Refused while locked: not judged, so nothing to record.
    await expectEvents(() => h.json('POST', '/mfa/challenge', { as: 'max', body: { code: used } }), []);
    expect(max.secret).not.toBe(setup.body.secret);

    // An administrator's reset names the administrator and the account; the host's names no one.
    h.advance(60);
    await expectEvents(async () => {
      const verify = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        body: { code: await h.code(ada.secret) },
      });
      expect(verify.status).toBe(200);
      expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    }, [
      {
        type: 'mfa.reset',
        actorId: 'ada',
        userId: 'max',
        accountId: 'acme',
        before: { enrolled: true },
        after: { enrolled: false },
      },
    ]);
    await h.enroll('sam');
    await expectEvents(
      () => h.mfa.resetUser('sam'),
      [
        {
          type: 'mfa.reset',
          actorId: null,
          userId: 'sam',
          accountId: null,
          before: { enrolled: true },
          after: { enrolled: false },
        },
      ],
    );
    await h.enroll('olga');
    await expectEvents(
      () => h.json('DELETE', '/mfa/me/totp', { as: 'olga' }),
      [
        {
          type: 'mfa.removed',
          actorId: 'olga',
          userId: 'olga',
          accountId: null,
          before: { enrolled: true },
          after: { enrolled: false },
        },
      ],
    );

    // Max's passkey: registered (his second factor), renamed, removed.
    const key = softwareAuthenticator();
    let credentialId = '';
    await h.enroll('max');
    await expectEvents(async () => {
      credentialId = (await addPasskey(h, { as: 'max' }, key, { name: 'Laptop' })).credentialId as string;
    }, [
      {
        type: 'webauthn.registered',
        actorId: 'max',
        userId: 'max',
        accountId: null,
        before: null,
        after: { credentialId: expect.any(String) as unknown as string, name: 'Laptop', firstFactor: false },
      },
    ]);
    const credential = `/mfa/me/webauthn/credentials/${credentialId}`;
    await expectEvents(
      () => h.json('PATCH', credential, { as: 'max', body: { name: 'Work' } }),
      [
        {
          type: 'webauthn.renamed',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: { credentialId, name: 'Laptop' },
          after: { credentialId, name: 'Work' },
        },
      ],
    );
    // Acme requires MFA of max, who holds a passkey now: he removes it after a step-up with it.
    await verifyWithPasskey(h, { as: 'max' }, key);
    await expectEvents(
      () => h.json('DELETE', credential, { as: 'max' }),
      [
        {
          type: 'webauthn.removed',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: { credentialId, name: expect.any(String), enrolled: true },
          after: { enrolled: true },
        },
      ],
    );

    // Max's browser remembered (acme allows 7 days, written straight to the store), then forgotten.
    const current = (await h.store.getPolicy('acme')) as NonNullable<
      Awaited<ReturnType<MfaStore['getPolicy']>>
    >;
    await h.store.putPolicy(
      { ...current, rememberDeviceDays: 7, version: current.version + 1 },
      current.version,
    );
    const until = new Date(h.clock.now.getTime() + 7 * 86_400_000).toISOString();
    let deviceId = '';
    await expectEvents(async () => {
      const answer = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0' },
        body: { code: await h.code(h.secrets.max as string), rememberDevice: true },
      });
      expect(answer.body.rememberedUntil).toBe(until);
      deviceId = (await h.store.listRememberedDevices('max'))[0]?.deviceId as string;
    }, [
      {
        type: 'device.remembered',
        actorId: 'max',
        userId: 'max',
        accountId: null,
        before: null,
        after: {
          deviceId: expect.any(String) as unknown as string,
          label: 'Firefox on Linux',
          method: 'totp',
          expiresAt: until,
        },
      },
    ]);
    h.advance(30);
    await expectEvents(
      () => h.json('DELETE', `/mfa/me/devices/${deviceId}`, { as: 'max' }),
      [
        {
          type: 'device.forgotten',
          actorId: 'max',
          userId: 'max',
          accountId: null,
          before: { deviceId, label: 'Firefox on Linux' },
          after: null,
        },
      ],
    );

    // An administrator reminds the members without MFA, sam, of acme's policy.
    await h.verify('ada');
    await expectEvents(
      () => h.json('POST', '/mfa/accounts/acme/reminders', { as: 'ada', body: {} }),
      [
        {
          type: 'reminder.sent',
          actorId: 'ada',
          userId: 'sam',
          accountId: 'acme',
          before: null,
          after: { stage: 'manual', deadline: expect.any(String) as unknown as string, enforceFrom: null },
        },
      ],
    );

    expect([...seen].sort()).toEqual([...auditEventTypes].sort());

    // acme's administrator reads the account's events and its members' own, as stored.
    const audit = await h.json('GET', '/mfa/accounts/acme/audit?limit=100', { as: 'ada' });
    const mine = h.events
      .filter(
        (e) =>
          e.accountId === 'acme' || (e.accountId === null && ['ada', 'max', 'sam'].includes(e.userId ?? '')),
      )
      .reverse()
      .map((e) => ({ ...e, at: e.at.toISOString() }));
    // Each with the display names of who did it and whom it concerns, members of acme.
    const nameOf = (id: string | null) =>
      id !== null && h.dir.memberships.acme?.[id] ? (h.dir.users[id]?.displayName ?? null) : null;
    expect(audit.body.events).toEqual(
      mine.map((e) => ({ ...e, actorName: nameOf(e.actorId), userName: nameOf(e.userId) })),
    );
  });
});
