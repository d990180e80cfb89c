/**
 * Binding a factor, as an attacker who has a user's password (and, where said, one phished
 * app code) tries it through the HTTP API. A factor bound by the attacker is the account
 * kept for good: a passkey of his own in a phishing-resistant account, his app in place of
 * the user's, her next recovery codes. So binding (adding, replacing or removing a factor,
 * new recovery codes) needs a step-up as strong as the strongest factor the user holds
 * that an account requires; a ceremony is checked again when it finishes, and every trust
 * change discards what was begun before it; two removals at once cannot both pass the rule
 * that a required user keeps a factor; passkeys belong to the configured site, never to a
 * request's Host header; a new passkey's registration is no step-up; and a device
 * remembered in a race with a trust change does not outlive it. Each test failed on the
 * code before these rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MfaOptions } from '../../src/index.ts';
import { setPolicy } from '../devices/devices.helpers.ts';
import {
  createHarness,
  expectError,
  type Harness,
  type RequestOptions,
  sessionVerified,
  storeFactories,
} from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, ORIGIN, verifyWithPasskey } from '../webauthn/passkeys.ts';

const EVIL = { as: 'max', session: 'max-evil' } satisfies RequestOptions;

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  const open: Harness[] = [];
  const harness = (overrides: Partial<MfaOptions> = {}) => {
    const h = createHarness({ store: makeStore(), ...overrides });
    open.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  /** A phished app code: the attacker's session verified with a code of max's app. */
  async function phishedCode(h: Harness, who: RequestOptions = EVIL) {
    const res = await h.json('POST', '/mfa/challenge', {
      ...who,
      body: { code: await h.code(h.secrets.max as string) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    h.advance(30);
  }

  /** max with a passkey (first) and an app, in Acme requiring both of all, phishing-resistant only. */
  async function maxWithPasskeyAndApp(h: Harness) {
    const key = softwareAuthenticator();
    const added = await addPasskey(h, { as: 'max' }, key);
    expect(added.status).toBe(200);
    await verifyWithPasskey(h, { as: 'max' }, key);
    await h.enroll('max');
    await setPolicy(h, 'acme', { mode: 'required_all', allowedFactors: 'phishing_resistant' });
    return {
      key,
      credentialId: added.credentialId as string,
      recoveryCodes: added.body.recoveryCodes as string[],
    };
  }

  describe('1. binding a factor needs a step-up as strong as the strongest factor held', () => {
    it('a phished app code binds nothing for a user who holds a passkey in a phishing-resistant account', async () => {
      const h = harness();
      const { credentialId, key } = await maxWithPasskeyAndApp(h);
      await phishedCode(h);
      // The guard refuses the app code there, as it did.
      expect((await h.json('GET', '/accounts/acme/area', EVIL)).status).toBe(403);
      const register = await h.json('POST', '/mfa/me/webauthn/registration', EVIL);
      expect(expectError(register, 'step_up_required').accepts).toEqual(['webauthn']);
      expectError(
        await h.json('DELETE', `/mfa/me/webauthn/credentials/${credentialId}`, EVIL),
        'step_up_required',
      );
      expectError(await h.json('DELETE', '/mfa/me/totp', EVIL), 'step_up_required');
      expectError(await h.json('POST', '/mfa/me/totp/setup', EVIL), 'step_up_required');
      expectError(await h.json('POST', '/mfa/me/recovery-codes', EVIL), 'step_up_required');
      expect(await h.store.listWebAuthnCredentials('max')).toHaveLength(1);
      // max, with her passkey, binds what she wants.
      await verifyWithPasskey(h, { as: 'max' }, key);
      expect((await addPasskey(h, { as: 'max' })).status).toBe(200);
    });

    it('a recovery code lets a passkey holder in (the way back), but binds nothing and passes no step-up there', async () => {
      const h = harness();
      h.host.use('/accounts/:accountId/payouts/*', h.mfa.guard({ stepUp: 300 }));
      h.host.put('/accounts/:accountId/payouts/details', (c) => c.json({ saved: true }));
      const { recoveryCodes } = await maxWithPasskeyAndApp(h);
      const who = { as: 'max', session: 'max-lost-phone' };
      const recovered = await h.json('POST', '/mfa/challenge', {
        ...who,
        body: { recoveryCode: recoveryCodes[0] },
      });
      expect(recovered.status).toBe(200);
      expect((await h.json('GET', '/accounts/acme/area', who)).status).toBe(200);
      expectError(
        await h.json('PUT', '/accounts/acme/payouts/details', { ...who, body: {} }),
        'step_up_required',
      );
      expectError(await h.json('POST', '/mfa/me/webauthn/registration', who), 'step_up_required');
    });

    it('a user who holds only an app steps up with the app, or a recovery code, to add a passkey', async () => {
      const h = harness();
      const { recoveryCodes } = await h.enroll('max');
      await setPolicy(h, 'acme', { mode: 'required_all', allowedFactors: 'phishing_resistant' });
      // Inside the grace period, with a fresh app code: the way onto a phishing-resistant account.
      await phishedCode(h, { as: 'max' });
      expect((await addPasskey(h, { as: 'max' })).status).toBe(200);
      const other = { as: 'sam', session: 'sam-s1' };
      const sam = await h.enroll('sam');
      await h.json('POST', '/mfa/challenge', { ...other, body: { recoveryCode: sam.recoveryCodes[0] } });
      expect((await addPasskey(h, other)).status).toBe(200);
      expect(recoveryCodes).toHaveLength(10);
    });
  });

  describe('2. a ceremony is checked again when it finishes; trust changes discard open ones', () => {
    /** Begins a registration from `who`, answered by a fresh authenticator; `finish` sends the answer. */
    async function beginRegistration(h: Harness, who: RequestOptions) {
      const begun = await h.json('POST', '/mfa/me/webauthn/registration', who);
      expect(begun.status, JSON.stringify(begun.body)).toBe(200);
      const response = softwareAuthenticator().register(begun.body.options, { origin: ORIGIN });
      return () => h.json('POST', '/mfa/me/webauthn/credentials', { ...who, body: { response } });
    }

    it('(a) a registration begun while the user had no MFA does not finish after she set up her app', async () => {
      const h = harness();
      const finish = await beginRegistration(h, EVIL);
      await h.enroll('max');
      const finished = await finish();
      expect(finished.status).not.toBe(200);
      expect(await h.store.listWebAuthnCredentials('max')).toEqual([]);
      expect(await sessionVerified(h, 'max', 'max-s1')).toBe(true);
      expect(await sessionVerified(h, 'max', 'max-evil')).toBe(false);
    });

    it('(b) a registration begun before the user renewed her codes does not finish after it', async () => {
      const h = harness();
      await h.enroll('max');
      await phishedCode(h);
      const finish = await beginRegistration(h, EVIL);
      expect((await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' })).status).toBe(200);
      expect((await finish()).status).not.toBe(200);
      expect(await h.store.listWebAuthnCredentials('max')).toEqual([]);
      expect(await sessionVerified(h, 'max', 'max-evil')).toBe(false);
    });

    it('(c) nor after an administrator reset her: no first factor, no recovery codes for the attacker', async () => {
      const h = harness();
      await h.enroll('ada');
      await h.enroll('max');
      await phishedCode(h);
      const finish = await beginRegistration(h, EVIL);
      const reset = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
      expect(reset.status, JSON.stringify(reset.body)).toBe(200);
      const finished = await finish();
      expect(finished.status).not.toBe(200);
      expect(finished.body.recoveryCodes).toBeUndefined();
      expect(await h.store.listWebAuthnCredentials('max')).toEqual([]);
      expect(await h.store.countRecoveryCodes('max')).toBe(0);
    });

    it('(d) an app setup begun before the user added a passkey does not confirm after it', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { mode: 'required_all' });
      await h.enroll('max');
      const before = await h.store.getTotpFactor('max');
      await phishedCode(h);
      const setup = await h.json('POST', '/mfa/me/totp/setup', EVIL);
      expect(setup.status).toBe(200);
      expect((await addPasskey(h, { as: 'max' })).status).toBe(200);
      const confirm = await h.json('POST', '/mfa/me/totp/confirm', {
        ...EVIL,
        body: { code: await h.code(setup.body.secret) },
      });
      expect(confirm.status).not.toBe(200);
      expect((await h.store.getTotpFactor('max'))?.secret).toBe(before?.secret);
    });
  });

  it('3. two removals at once leave a required user one factor, never none and a fresh grace period', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { mode: 'required_all' });
    const key = softwareAuthenticator();
    const { credentialId } = await addPasskey(h, { as: 'max' }, key);
    await verifyWithPasskey(h, { as: 'max' }, key);
    await h.enroll('max');
    await verifyWithPasskey(h, { as: 'max' }, key);
    const [app, passkey] = await Promise.all([
      h.json('DELETE', '/mfa/me/totp', { as: 'max' }),
      h.json('DELETE', `/mfa/me/webauthn/credentials/${credentialId}`, { as: 'max' }),
    ]);
    expect([app.status, passkey.status].sort()).toEqual([200, 409]);
    expectError(app.status === 409 ? app : passkey, 'mfa_required_by_policy');
    expect((await h.store.getEnrollments(['max'])).get('max')?.methods).toHaveLength(1);
    expect((await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-password' })).status).toBe(
      403,
    );
  });

  describe('4. passkeys belong to the configured site, never to the Host header', () => {
    it('answers 409 webauthn_not_configured outside development without webauthn.rpId', async () => {
      const h = harness({ webauthn: undefined } as unknown as Partial<MfaOptions>);
      const res = await h.host.request('http://evil.example/mfa/me/webauthn/registration', {
        method: 'POST',
        headers: { 'x-test-user': 'max' },
      });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('webauthn_not_configured');
      expect((await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' })).status).toBe(409);
      // On localhost, for development, the request's own host serves.
      const local = await h.host.request('http://localhost/mfa/me/webauthn/registration', {
        method: 'POST',
        headers: { 'x-test-user': 'max' },
      });
      expect(local.status).toBe(200);
      expect(((await local.json()) as { options: { rp: { id: string } } }).options.rp.id).toBe('localhost');
    });

    it("ignores the Host header once configured, keeps each credential's rpId and judges by it", async () => {
      const h = harness();
      const res = await h.host.request('http://evil.example/mfa/me/webauthn/registration', {
        method: 'POST',
        headers: { 'x-test-user': 'max' },
      });
      expect(((await res.json()) as { options: { rp: { id: string } } }).options.rp.id).toBe('portal.test');
      const { credentialId } = await addPasskey(h, { as: 'max' });
      const stored = await h.store.getWebAuthnCredential('max', credentialId as string);
      expect(stored?.rpId).toBe('portal.test');
      expect(stored?.aaguid).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('mfa.ready() warns once through onError when passkeys are not configured', async () => {
      const reported: unknown[] = [];
      const h = harness({
        webauthn: undefined,
        onError: (error: unknown) => reported.push(error),
      } as unknown as Partial<MfaOptions>);
      await h.mfa.ready();
      await h.mfa.ready();
      expect(reported).toHaveLength(1);
      expect(String(reported[0])).toMatch(/webauthn/);
    });
  });

  it('5. a throwaway passkey passes no step-up: a registration proves the new key, not the person', async () => {
    const h = harness();
    h.host.use('/accounts/:accountId/payouts/*', h.mfa.guard({ stepUp: 60 }));
    h.host.put('/accounts/:accountId/payouts/details', (c) => c.json({ saved: true }));
    await h.enroll('max');
    h.advance(14 * 60);
    const payout = () => h.json('PUT', '/accounts/acme/payouts/details', { as: 'max', body: {} });
    expectError(await payout(), 'step_up_required');
    // Binding with the app code of 14 minutes ago (still within a binding step-up's 15).
    expect((await addPasskey(h, { as: 'max' })).status).toBe(200);
    expectError(await payout(), 'step_up_required');
    const me = await h.json('GET', '/mfa/me', { as: 'max' });
    expect(me.body.session.method).toBe('webauthn_registration');
  });

  it("6. a device remembered in a race with the factor's removal does not outlive it", async () => {
    // The directory answers the remembering call only once the removal went through.
    let gate: { release: () => void; held: Promise<void> } | null = null;
    let armed = false;
    const h = harness({
      listMemberships: async (userId) => {
        if (armed && userId === 'max') {
          armed = false;
          const wait = gate?.held;
          await wait;
        }
        return [{ accountId: 'acme', accountName: 'Acme', role: userId === 'ada' ? 'admin' : 'member' }];
      },
    });
    await setPolicy(h, 'acme', { mode: 'optional', rememberDeviceDays: 14 });
    const key = softwareAuthenticator();
    await addPasskey(h, { as: 'max' }, key);
    await verifyWithPasskey(h, { as: 'max' }, key);
    await h.enroll('max');
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    gate = { release, held };
    armed = true;
    const racing = h.json('POST', '/mfa/challenge', {
      ...EVIL,
      body: { code: await h.code(h.secrets.max as string), rememberDevice: true },
    });
    // The attacker's code is judged and his session marked; then max removes her app.
    while (armed) await new Promise((resolve) => setTimeout(resolve, 1));
    await verifyWithPasskey(h, { as: 'max' }, key);
    expect((await h.json('DELETE', '/mfa/me/totp', { as: 'max' })).status).toBe(200);
    release();
    const answered = await racing;
    expect(answered.status).toBe(200);
    expect(answered.body.rememberedUntil).toBeNull();
    expect(
      answered.res.headers
        .getSetCookie()
        .some((c) => c.startsWith('mfa_device=') && !c.includes('Max-Age=0')),
    ).toBe(false);
    expect(await h.store.listRememberedDevices('max')).toEqual([]);
  });

  describe('7. smaller', () => {
    it('renaming a passkey needs a verified session: a password alone relabels nothing', async () => {
      const h = harness();
      const { credentialId } = await addPasskey(h, { as: 'max' });
      const path = `/mfa/me/webauthn/credentials/${credentialId}`;
      expectError(
        await h.json('PATCH', path, { as: 'max', session: 'max-password', body: { name: 'Old key' } }),
        'step_up_required',
      );
      expect((await h.store.getWebAuthnCredential('max', credentialId as string))?.name).toBe('Passkey');
      expect((await h.json('PATCH', path, { as: 'max', body: { name: 'Laptop' } })).status).toBe(200);
    });

    it('a password alone cannot fill the store with ceremonies: at most five open a user', async () => {
      const h = harness();
      const challenges: string[] = [];
      for (let i = 0; i < 8; i++) {
        const begun = await h.json('POST', '/mfa/me/webauthn/registration', {
          as: 'max',
          session: `max-${i}`,
        });
        challenges.push(begun.body.options.challenge);
        h.advance(1);
      }
      const open = await Promise.all(
        challenges.map((c, i) => h.store.findWebAuthnChallenge('max', `max-${i}`, c, 'registration')),
      );
      expect(open.filter(Boolean)).toHaveLength(5);
      expect(open.slice(0, 3)).toEqual([null, null, null]);
    });
  });
});
