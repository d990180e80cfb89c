/**
 * "Remember this device" through the HTTP API: the policy's `rememberDeviceDays`, the cookie
 * a challenge with `rememberDevice: true` sets, the session it lets skip the challenge, the
 * profile's list of devices, forgetting them, and the trust changes that forget them all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, expectError, type Harness, storeFactories } from '../support.ts';
import { addPasskey } from '../webauthn/passkeys.ts';
import {
  CHROME_ON_MAC,
  DAY_S,
  enter,
  rememberWithCode,
  setCookieOf,
  setPolicy,
  withCookie,
} from './devices.helpers.ts';

const iso = (d: Date) => d.toISOString();

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  const open: Harness[] = [];
  const harness = (options: Parameters<typeof createHarness>[0] = {}) => {
    const h = createHarness({ store: makeStore(), ...options });
    open.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  describe('the policy', () => {
    it('answers rememberDeviceDays, 0 by default; PUT sets it, keeps it when left out, and audits it', async () => {
      const h = harness();
      expect((await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' })).body.rememberDeviceDays).toBe(
        0,
      );
      const put = await setPolicy(h, 'acme', { rememberDeviceDays: 14 });
      expect(put.rememberDeviceDays).toBe(14);
      expect((await h.store.getPolicy('acme'))?.rememberDeviceDays).toBe(14);
      // A client that does not know the setting keeps it.
      expect((await setPolicy(h, 'acme', { mode: 'required_all' })).rememberDeviceDays).toBe(14);
      const events = h.events.filter((e) => e.type === 'policy.updated');
      expect(events[0]).toMatchObject({
        before: { rememberDeviceDays: 0 },
        after: { rememberDeviceDays: 14 },
      });
    });

    it.each([[-1], [31], [1.5], ['7'], [null]])(
      'refuses rememberDeviceDays %j with invalid_request',
      async (days) => {
        const h = harness();
        await h.enroll('ada');
        const res = await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode: 'optional', rememberDeviceDays: days },
        });
        expectError(res, 'invalid_request');
        expect((await h.store.getPolicy('acme'))?.rememberDeviceDays ?? 0).toBe(0);
      },
    );

    it('GET /me offers the largest allowance among the user’s accounts (0 when none)', async () => {
      const h = harness();
      expect((await h.json('GET', '/mfa/me', { as: 'sam' })).body.rememberDeviceDays).toBe(0);
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await setPolicy(h, 'contoso', { rememberDeviceDays: 14 });
      expect((await h.json('GET', '/mfa/me', { as: 'sam' })).body.rememberDeviceDays).toBe(14);
      expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.rememberDeviceDays).toBe(7);
      expect((await h.json('GET', '/mfa/me', { as: 'olga' })).body.rememberDeviceDays).toBe(0);
    });
  });

  describe('POST /challenge with rememberDevice', () => {
    it('sets an HttpOnly, SameSite=Lax cookie on Path=/ until the device expires, and stores only its hash', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const now = new Date(h.clock.now);
      const { res, token, cookie } = await rememberWithCode(h, 'max');
      const expiresAt = new Date(now.getTime() + 7 * DAY_S * 1000);
      expect(res.body).toMatchObject({ verified: true, method: 'totp', rememberedUntil: iso(expiresAt) });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie?.attributes.get('httponly')).toBe('');
      expect(cookie?.attributes.get('samesite')).toBe('Lax');
      expect(cookie?.attributes.get('path')).toBe('/');
      expect(cookie?.attributes.get('max-age')).toBe(String(7 * DAY_S));
      // Plain http: no Secure (the browser would drop the cookie).
      expect(cookie?.attributes.has('secure')).toBe(false);
      const [device] = await h.store.listRememberedDevices('max');
      expect(device).toMatchObject({
        userId: 'max',
        method: 'totp',
        label: 'Chrome on macOS',
        createdAt: now,
        lastUsedAt: null,
        expiresAt,
      });
      // Only a keyed hash of the token: not the token, nor a plain SHA-256 of it.
      expect(device?.tokenHash).not.toContain(token as string);
      expect(JSON.stringify(device)).not.toContain(token as string);
      const remembered = h.events.filter((e) => e.type === 'device.remembered');
      expect(remembered).toEqual([
        expect.objectContaining({
          actorId: 'max',
          userId: 'max',
          accountId: null,
          after: {
            deviceId: device?.deviceId,
            label: 'Chrome on macOS',
            method: 'totp',
            expiresAt: iso(expiresAt),
          },
        }),
      ]);
      expect(JSON.stringify(h.events)).not.toContain(token as string);
    });

    it('marks the cookie Secure when the request came over https (or a proxy says so)', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const challenge = async (url: string, headers: Record<string, string> = {}) => {
        const res = await h.host.request(url, {
          method: 'POST',
          headers: { 'x-test-user': 'max', 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ code: await h.code(h.secrets.max as string), rememberDevice: true }),
        });
        expect(res.status).toBe(200);
        h.advance(30);
        return setCookieOf(res);
      };
      expect((await challenge('https://portal.test/mfa/challenge'))?.attributes.has('secure')).toBe(true);
      const proxied = await challenge('http://portal.test/mfa/challenge', { 'x-forwarded-proto': 'https' });
      expect(proxied?.attributes.has('secure')).toBe(true);
      expect((await challenge('http://portal.test/mfa/challenge'))?.attributes.has('secure')).toBe(false);
    });

    it('is ignored, not refused, when no account of the user allows it', async () => {
      const h = harness();
      await h.enroll('max');
      const { res, cookie } = await rememberWithCode(h, 'max');
      expect(res.body.rememberedUntil).toBeNull();
      expect(cookie).toBeNull();
      expect(await h.store.listRememberedDevices('max')).toEqual([]);
      expect(h.events.some((e) => e.type === 'device.remembered')).toBe(false);
    });

    it('remembers nothing with rememberDevice false, and refuses a value that is not a boolean', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      const { secret } = await h.enroll('max');
      const no = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        body: { code: await h.code(secret), rememberDevice: false },
      });
      expect(no.body.rememberedUntil).toBeNull();
      expect(setCookieOf(no.res)).toBeNull();
      h.advance(30);
      for (const value of ['true', 1, null, {}]) {
        const bad = await h.json('POST', '/mfa/challenge', {
          as: 'max',
          body: { code: await h.code(secret), rememberDevice: value },
        });
        expectError(bad, 'invalid_request');
      }
      expect(await h.store.listRememberedDevices('max')).toEqual([]);
    });

    it('remembers after a recovery code and after a passkey, with the method that verified', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      const { recoveryCodes } = await h.enroll('max');
      const recovery = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-r',
        body: { recoveryCode: recoveryCodes[0], rememberDevice: true },
      });
      expect(recovery.body).toMatchObject({ method: 'recovery', rememberedUntil: expect.any(String) });
      const { key } = await addPasskey(h, { as: 'max', session: 'max-r' });
      const begun = await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: 'max-w' });
      const assertion = key.authenticate(begun.body.options, { origin: 'http://portal.test' });
      // Adding the passkey kept the first device (adding a factor is no loss of trust).
      const passkey = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-w',
        body: { webauthn: assertion, rememberDevice: true },
      });
      expect(passkey.body).toMatchObject({ method: 'webauthn', rememberedUntil: expect.any(String) });
      expect((await h.store.listRememberedDevices('max')).map((d) => d.method).sort()).toEqual([
        'recovery',
        'webauthn',
      ]);
    });

    it('remembers nothing when the verification fails', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const res = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        body: { code: '000000', rememberDevice: true },
      });
      expect(res.status).toBe(400);
      expect(setCookieOf(res.res)).toBeNull();
      expect(await h.store.listRememberedDevices('max')).toEqual([]);
    });
  });

  describe('a remembered device', () => {
    it('lets a new session in without a challenge, marks it once, and sets the last use then only', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const { token } = await rememberWithCode(h, 'max');
      // Without the cookie the new session is challenged; with it, it is let in.
      expectError(
        await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-new' }),
        'challenge_required',
      );
      const entered = await enter(h, 'max', token as string);
      expect(entered.status).toBe(200);
      expect(entered.body.decision).toEqual({ allow: true, reason: 'verified' });
      const marked = new Date(h.clock.now);
      expect(await h.store.getSession('max', 'max-new')).toEqual({
        sessionId: 'max-new',
        userId: 'max',
        verifiedAt: marked,
        method: 'remembered_device',
      });
      expect((await h.store.listRememberedDevices('max'))[0]?.lastUsedAt).toEqual(marked);
      // Later requests of that session change nothing in the store.
      h.advance(600);
      expect((await enter(h, 'max', token as string)).status).toBe(200);
      expect((await h.store.listRememberedDevices('max'))[0]?.lastUsedAt).toEqual(marked);
      expect((await h.store.getSession('max', 'max-new'))?.verifiedAt).toEqual(marked);
      // The account routes and the access decision read the cookie too.
      const access = await h.json(
        'GET',
        '/mfa/accounts/acme/access',
        withCookie(token as string, { as: 'max', session: 'max-other' }),
      );
      expect(access.body).toEqual({ allow: true, reason: 'verified' });
    });

    it('GET /me says the session is verified by a remembered device only while its cookie comes with it', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const { token } = await rememberWithCode(h, 'max');
      await enter(h, 'max', token as string);
      const me = await h.json(
        'GET',
        '/mfa/me',
        withCookie(token as string, { as: 'max', session: 'max-new' }),
      );
      expect(me.body.session).toMatchObject({ verified: true, method: 'remembered_device' });
      const bare = await h.json('GET', '/mfa/me', { as: 'max', session: 'max-new' });
      expect(bare.body.session).toMatchObject({ verified: false, method: 'remembered_device' });
      // Nor does the session pass the guard without it.
      expectError(
        await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-new' }),
        'challenge_required',
      );
    });

    it('is no step-up: a sensitive call still asks for a fresh second factor', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('ada');
      await h.verify('ada');
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      const { token } = await rememberWithCode(h, 'ada');
      expect((await enter(h, 'ada', token as string)).status).toBe(200);
      const asDevice = (options = {}) =>
        withCookie(token as string, { as: 'ada', session: 'ada-new', ...options });
      expectError(await h.json('POST', '/mfa/me/recovery-codes', asDevice()), 'step_up_required');
      expectError(await h.json('DELETE', '/mfa/me/totp', asDevice()), 'step_up_required');
      const put = await h.json('PUT', '/mfa/accounts/acme/policy', asDevice({ body: { mode: 'optional' } }));
      expectError(put, 'step_up_required');
      const reset = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', asDevice());
      expectError(reset, 'step_up_required');
    });

    it('never outlives the largest allowance among the user’s accounts, and each account counts its own days', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await setPolicy(h, 'contoso', { rememberDeviceDays: 30 });
      await setPolicy(h, 'solo', { rememberDeviceDays: 30 }); // not sam's account
      await h.enroll('sam');
      const start = new Date(h.clock.now);
      const { res, cookie, token } = await rememberWithCode(h, 'sam');
      const limit = new Date(start.getTime() + 30 * DAY_S * 1000);
      expect(res.body.rememberedUntil).toBe(iso(limit));
      expect(cookie?.attributes.get('max-age')).toBe(String(30 * DAY_S));
      const device = (await h.store.listRememberedDevices('sam'))[0];
      expect(device?.expiresAt).toEqual(limit);
      h.advance(8 * DAY_S);
      expectError(await enter(h, 'sam', token as string, 'acme', 'sam-8'), 'challenge_required');
      expect((await enter(h, 'sam', token as string, 'contoso', 'sam-8')).status).toBe(200);
      // Past the expiry, even a larger allowance set since does not extend it.
      await setPolicy(h, 'contoso', { rememberDeviceDays: 30 });
      h.clock.now = new Date(limit.getTime());
      expectError(await enter(h, 'sam', token as string, 'contoso', 'sam-30'), 'challenge_required');
    });
  });

  describe('GET and DELETE /me/devices', () => {
    it('lists the devices with the current one marked, and forgets one: its cookie cleared, its session challenged', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const laptop = await rememberWithCode(h, 'max', 'max-laptop');
      const phone = await rememberWithCode(h, 'max', 'max-phone');
      const list = await h.json('GET', '/mfa/me/devices', withCookie(laptop.token as string, { as: 'max' }));
      expect(list.status).toBe(200);
      expect(list.body.devices).toHaveLength(2);
      const [first, second] = list.body.devices;
      expect(first).toEqual({
        deviceId: expect.any(String),
        label: 'Chrome on macOS',
        createdAt: expect.any(String),
        lastUsedAt: null,
        expiresAt: expect.any(String),
        current: true,
      });
      expect(second.current).toBe(false);
      expect(JSON.stringify(list.body)).not.toContain(laptop.token as string);
      expect(JSON.stringify(list.body)).not.toContain(phone.token as string);
      // Forgetting needs no step-up: the laptop's own session, long after its verification.
      h.advance(3600);
      await enter(h, 'max', laptop.token as string, 'acme', 'max-laptop-2');
      const forgot = await h.json(
        'DELETE',
        `/mfa/me/devices/${first.deviceId}`,
        withCookie(laptop.token as string, { as: 'max', session: 'max-laptop-2' }),
      );
      expect(forgot.status).toBe(200);
      expect(forgot.body).toEqual({ forgotten: 1 });
      const cleared = setCookieOf(forgot.res);
      expect(cleared?.value).toBe('');
      expect(cleared?.attributes.get('max-age')).toBe('0');
      expect(cleared?.attributes.get('path')).toBe('/');
      expectError(
        await enter(h, 'max', laptop.token as string, 'acme', 'max-laptop-2'),
        'challenge_required',
      );
      expect((await enter(h, 'max', phone.token as string)).status).toBe(200);
      expect(h.events.filter((e) => e.type === 'device.forgotten')).toEqual([
        expect.objectContaining({
          actorId: 'max',
          userId: 'max',
          before: { deviceId: first.deviceId, label: 'Chrome on macOS' },
        }),
      ]);
      // Another device forgotten: no cookie of this request is cleared.
      const other = await h.json(
        'DELETE',
        `/mfa/me/devices/${second.deviceId}`,
        withCookie(laptop.token as string, { as: 'max' }),
      );
      expect(other.status).toBe(200);
      expect(setCookieOf(other.res)).toBeNull();
    });

    it("answers not_found for an unknown device and for another user's, which stays", async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const { token } = await rememberWithCode(h, 'max');
      const [maxDevice] = await h.store.listRememberedDevices('max');
      expectError(
        await h.json('DELETE', '/mfa/me/devices/AAAAAAAAAAAAAAAAAAAAAA', { as: 'max' }),
        'not_found',
      );
      expectError(
        await h.json('DELETE', `/mfa/me/devices/${maxDevice?.deviceId}`, { as: 'sam' }),
        'not_found',
      );
      expect(await h.store.listRememberedDevices('max')).toHaveLength(1);
      expect((await enter(h, 'max', token as string)).status).toBe(200);
      expect(h.events.some((e) => e.type === 'device.forgotten')).toBe(false);
      expectError(await h.json('DELETE', '/mfa/me/devices/not%20an%20id', { as: 'max' }), 'invalid_request');
    });

    it('forgets all of them, clearing the cookie of the request', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const laptop = await rememberWithCode(h, 'max', 'max-laptop');
      const phone = await rememberWithCode(h, 'max', 'max-phone');
      const all = await h.json(
        'DELETE',
        '/mfa/me/devices',
        withCookie(laptop.token as string, { as: 'max' }),
      );
      expect(all.body).toEqual({ forgotten: 2 });
      expect(setCookieOf(all.res)?.attributes.get('max-age')).toBe('0');
      expect((await h.json('GET', '/mfa/me/devices', { as: 'max' })).body).toEqual({ devices: [] });
      expectError(await enter(h, 'max', phone.token as string), 'challenge_required');
      expect(h.events.filter((e) => e.type === 'device.forgotten').map((e) => e.before)).toEqual([
        { devices: 2 },
      ]);
      // Nothing left: no event.
      expect((await h.json('DELETE', '/mfa/me/devices', { as: 'max' })).body).toEqual({ forgotten: 0 });
      expect(h.events.filter((e) => e.type === 'device.forgotten')).toHaveLength(1);
    });

    it('leaves expired devices out of the list', async () => {
      const h = harness();
      await setPolicy(h, 'acme', { rememberDeviceDays: 1 });
      await h.enroll('max');
      await rememberWithCode(h, 'max');
      h.advance(DAY_S + 60);
      expect((await h.json('GET', '/mfa/me/devices', { as: 'max' })).body).toEqual({ devices: [] });
    });

    it('answers 401 unauthenticated to anonymous callers', async () => {
      const h = harness();
      expectError(await h.json('GET', '/mfa/me/devices'), 'unauthenticated');
      expectError(await h.json('DELETE', '/mfa/me/devices'), 'unauthenticated');
      expectError(await h.json('DELETE', '/mfa/me/devices/AAAA'), 'unauthenticated');
    });
  });

  describe('trust changes forget every device of the user', () => {
    /** max remembers a device from his app, with a passkey as well so that he may remove the app. */
    const setUp = async (h: Harness) => {
      await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
      await h.enroll('max');
      const { key } = await addPasskey(h, { as: 'max' });
      const { token } = await rememberWithCode(h, 'max');
      expect((await enter(h, 'max', token as string)).status).toBe(200);
      return { token: token as string, key };
    };
    const forgotten = async (h: Harness, token: string) => {
      expect(await h.store.listRememberedDevices('max')).toEqual([]);
      expectError(await enter(h, 'max', token, 'acme', 'max-after'), 'challenge_required');
    };

    it('replacing the authenticator app', async () => {
      const h = harness();
      const { token } = await setUp(h);
      await h.verify('max');
      const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
      const confirm = await h.json('POST', '/mfa/me/totp/confirm', {
        as: 'max',
        body: { code: await h.code(setup.body.secret) },
      });
      expect(confirm.status).toBe(200);
      await forgotten(h, token);
    });

    it('removing the authenticator app', async () => {
      const h = harness();
      const { token } = await setUp(h);
      await h.verify('max');
      expect((await h.json('DELETE', '/mfa/me/totp', { as: 'max' })).status).toBe(200);
      await forgotten(h, token);
    });

    it('removing a passkey', async () => {
      const h = harness();
      const { token } = await setUp(h);
      await h.verify('max');
      const { credentialId } = await addPasskey(h, { as: 'max' });
      // Adding that passkey was a trust change too; remember again, then remove it.
      const again = await rememberWithCode(h, 'max');
      await h.verify('max');
      const removed = await h.json('DELETE', `/mfa/me/webauthn/credentials/${credentialId}`, { as: 'max' });
      expect(removed.status).toBe(200);
      await forgotten(h, again.token as string);
      await forgotten(h, token);
    });

    it('regenerating the recovery codes', async () => {
      const h = harness();
      const { token } = await setUp(h);
      await h.verify('max');
      expect((await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' })).status).toBe(200);
      await forgotten(h, token);
    });

    it("an administrator's reset, and the host's", async () => {
      const h = harness();
      const { token } = await setUp(h);
      await h.verify('ada');
      expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
      expect(await h.store.listRememberedDevices('max')).toEqual([]);
      // Set up again, max is challenged: the old cookie names no device.
      await h.enroll('max', 'max-again');
      await forgotten(h, token);
      await h.enroll('sam');
      const sam = await rememberWithCode(h, 'sam');
      await h.mfa.resetUser('sam');
      expect(await h.store.listRememberedDevices('sam')).toEqual([]);
      // sam has no MFA now: not challenged, and the device does not count for anything.
      expect((await enter(h, 'sam', sam.token as string)).body.decision.reason).toBe('not_required');
    });

    it('not a sign-out: the device stays when the host ends a session', async () => {
      const h = harness();
      const { token } = await setUp(h);
      await h.mfa.endSession('max', 'max-new');
      expect(await h.store.listRememberedDevices('max')).toHaveLength(1);
      expect((await enter(h, 'max', token)).status).toBe(200);
    });
  });

  it('labels the device from its User-Agent, never with the header itself', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { rememberDeviceDays: 7 });
    const { secret } = await h.enroll('max');
    const agents: [string, string][] = [
      [CHROME_ON_MAC, 'Chrome on macOS'],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
        'Firefox on Windows',
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
        'Safari on iOS',
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
        'Edge on Windows',
      ],
      [`<script>alert(1)</script>${'x'.repeat(5000)}`, 'Unknown browser'],
    ];
    for (const [agent] of agents) {
      const res = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        headers: { 'user-agent': agent },
        body: { code: await h.code(secret), rememberDevice: true },
      });
      expect(res.status).toBe(200);
      h.advance(30);
    }
    const labels = (await h.store.listRememberedDevices('max')).map((d) => d.label);
    expect(labels).toEqual(agents.map(([, label]) => label));
  });

  it('verifies with a passkey and remembers it: the device opens a phishing-resistant account', async () => {
    const h = harness();
    await setPolicy(h, 'acme', { rememberDeviceDays: 7, allowedFactors: 'phishing_resistant' });
    const { key } = await addPasskey(h, { as: 'max' });
    const begun = await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: 'max-w' });
    const res = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-w',
      body: {
        webauthn: key.authenticate(begun.body.options, { origin: 'http://portal.test' }),
        rememberDevice: true,
      },
    });
    const token = setCookieOf(res.res)?.value as string;
    expect((await enter(h, 'max', token)).status).toBe(200);
  });
});
