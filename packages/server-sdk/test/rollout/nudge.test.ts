/**
 * `<mfa-nudge>`'s routes: a suggestion to set up MFA where it is not required (or not yet), a
 * passkey to a user who signs in with an app code, **Not now** at most three times.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { expectError, storeFactories } from '../support.ts';
import { DAY, DAY_S, type RolloutPortal, rolloutPortal, savePolicy } from './rollout.support.ts';

describe.each(storeFactories)('the nudge on the %s store', (_name, makeStore) => {
  let h: RolloutPortal;
  afterEach(async () => {
    await h.mfa.close();
  });
  const nudge = async (as: string, accountId?: string) =>
    (await h.json('GET', `/mfa/me/nudge${accountId ? `?accountId=${accountId}` : ''}`, { as })).body.nudge;
  const snooze = (as: string, kind: string) => h.json('POST', '/mfa/me/nudge/snooze', { as, body: { kind } });

  it('suggests setting MFA up where it is optional; Not now snoozes it, three times at most', async () => {
    h = await rolloutPortal({ store: makeStore(), nudgeSnoozeDays: 5 });
    expect(await nudge('max', 'acme')).toEqual({
      kind: 'set_up',
      accountId: 'acme',
      enforceFrom: null,
      snoozesLeft: 3,
    });
    expect(await nudge('max')).toMatchObject({ kind: 'set_up', accountId: null });

    for (const left of [2, 1, 0]) {
      const snoozed = await snooze('max', 'set_up');
      expect(snoozed.status).toBe(200);
      expect(snoozed.body).toEqual({
        snoozedUntil: new Date(h.clock.now.getTime() + 5 * DAY).toISOString(),
        snoozesLeft: left,
      });
      expect(await nudge('max', 'acme')).toBeNull();
      h.advance(5 * DAY_S - 1);
      expect(await nudge('max', 'acme')).toBeNull();
      h.advance(1);
      expect(await nudge('max', 'acme')).toMatchObject({ kind: 'set_up', snoozesLeft: left });
    }
    // Three snoozes used: it stays, and Not now is refused.
    expectError(await snooze('max', 'set_up'), 'snooze_limit');
    expect(await nudge('max', 'acme')).toMatchObject({ kind: 'set_up', snoozesLeft: 0 });
    // Sam's are his own.
    expect(await nudge('sam', 'acme')).toMatchObject({ snoozesLeft: 3 });
  });

  it('before a start date it says from when; once enforced it gives way to the grace period', async () => {
    h = await rolloutPortal({ store: makeStore() });
    const from = new Date(h.clock.now.getTime() + 3 * DAY);
    await savePolicy(h, { mode: 'required_all', enforceFrom: from.toISOString() });
    expect(await nudge('max', 'acme')).toMatchObject({ kind: 'set_up', enforceFrom: from.toISOString() });
    h.clock.now = from;
    expect(await nudge('max', 'acme')).toBeNull();
    // In an account that requires MFA of administrators only, a member is nudged as ever.
    await savePolicy(h, { mode: 'required_admins' });
    expect(await nudge('max', 'acme')).toMatchObject({ kind: 'set_up', enforceFrom: null });
    // Ada, who signs in with an app code, hears of passkeys whatever the policy.
    expect(await nudge('ada', 'acme')).toMatchObject({ kind: 'passkey' });
    expectError(await h.json('GET', '/mfa/me/nudge?accountId=contoso', { as: 'max' }), 'not_member');
  });

  it('suggests a passkey to a user who signed in with an app code, not after a recovery code', async () => {
    h = await rolloutPortal({ store: makeStore() });
    // Ada set up an app and verified with its code.
    expect(await nudge('ada', 'acme')).toEqual({
      kind: 'passkey',
      accountId: 'acme',
      enforceFrom: null,
      snoozesLeft: 3,
    });
    expect((await snooze('ada', 'passkey')).body.snoozesLeft).toBe(2);
    expect(await nudge('ada')).toBeNull();
    // Snoozing one kind leaves the other alone.
    expect((await h.store.getNudgeSnoozes('ada')).map((s) => s.kind)).toEqual(['passkey']);

    // Max sets up an app and then signs in, in a new session, with a recovery code.
    const { recoveryCodes } = await h.enroll('max');
    const verified = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-s2',
      body: { recoveryCode: recoveryCodes[0] },
    });
    expect(verified.status).toBe(200);
    expect((await h.json('GET', '/mfa/me/nudge', { as: 'max', session: 'max-s2' })).body.nudge).toBeNull();
    expect(await nudge('max')).toMatchObject({ kind: 'passkey' });
  });
});
