/**
 * Attacks on the remembered-device cookie. The cookie stands in for a second factor, so
 * whoever holds one tries to make it open more than it was given for: another user's
 * session (a cookie stolen from a shared computer), a token that was forgotten, expired or
 * edited, one shaped to crash the lookup (a 500 tells an attacker where to push), an
 * account that allows fewer days or only phishing-resistant factors, a session it once
 * let in carried to an account whose rules it does not meet, and a step-up. Each must end
 * in the plain challenge a session without a device gets, never a 500; and each test
 * first shows the same request let in with the genuine cookie, so that a refusal proves
 * the check and not a broken setup.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { createHarness, expectError, type Harness, SECRET, storeFactories } from '../support.ts';
import { addPasskey } from '../webauthn/passkeys.ts';
import { DAY_S, enter, rememberWithCode, setPolicy, withCookie } from './devices.helpers.ts';

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

  /** acme remembers devices for `days`; max (app) remembered one. */
  const remembered = async (days = 7, options: Parameters<typeof createHarness>[0] = {}) => {
    const h = harness(options);
    await setPolicy(h, 'acme', { rememberDeviceDays: days });
    await h.enroll('max');
    const { token } = await rememberWithCode(h, 'max');
    return { h, token: token as string };
  };

  it("another user's stolen cookie is worthless: sam is challenged, max is let in", async () => {
    const { h, token } = await remembered();
    await h.enroll('sam');
    expect((await enter(h, 'max', token)).status).toBe(200);
    expectError(await enter(h, 'sam', token), 'challenge_required');
    const access = await h.json(
      'GET',
      '/mfa/accounts/acme/access',
      withCookie(token, { as: 'sam', session: 'sam-x' }),
    );
    expect(access.body.reason).toBe('challenge_required');
    // Nor does it mark sam's session, name a device of his, or forget max's.
    expect(await h.store.getSession('sam', 'sam-new')).toBeNull();
    expect((await h.json('GET', '/mfa/me/devices', withCookie(token, { as: 'sam' }))).body).toEqual({
      devices: [],
    });
    expect((await h.json('DELETE', '/mfa/me/devices', withCookie(token, { as: 'sam' }))).body).toEqual({
      forgotten: 0,
    });
    expect((await enter(h, 'max', token, 'acme', 'max-later')).status).toBe(200);
  });

  it('an expired device is ignored: a plain challenge', async () => {
    const { h, token } = await remembered(7);
    h.advance(7 * DAY_S - 60);
    expect((await enter(h, 'max', token, 'acme', 'max-day-6')).status).toBe(200);
    h.advance(120);
    expectError(await enter(h, 'max', token, 'acme', 'max-day-7'), 'challenge_required');
    // Raising the days afterwards does not bring it back: its expiry was fixed when remembered.
    await setPolicy(h, 'acme', { rememberDeviceDays: 30 });
    expectError(await enter(h, 'max', token, 'acme', 'max-day-7b'), 'challenge_required');
  });

  it('a forgotten device is ignored, on this instance at once', async () => {
    const { h, token } = await remembered(7, { policyCacheTtl: 30 });
    expect((await enter(h, 'max', token)).status).toBe(200);
    expect((await h.json('DELETE', '/mfa/me/devices', { as: 'max' })).status).toBe(200);
    expectError(await enter(h, 'max', token), 'challenge_required');
    expectError(await enter(h, 'max', token, 'acme', 'max-fresh'), 'challenge_required');
  });

  it('a tampered token is ignored: every one-character change, and the token under another name', async () => {
    const { h, token } = await remembered();
    expect((await enter(h, 'max', token)).status).toBe(200);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const i of [0, 1, 21, 41, 42]) {
      const original = token[i] as string;
      const other = alphabet[(alphabet.indexOf(original) + 1) % alphabet.length] as string;
      const tampered = `${token.slice(0, i)}${other}${token.slice(i + 1)}`;
      expectError(await enter(h, 'max', tampered, 'acme', `max-t${i}`), 'challenge_required');
    }
    // Its hash, as a database reader would see it, is no token either.
    const [device] = await h.store.listRememberedDevices('max');
    const hash = (device?.tokenHash ?? '').split('.')[1] as string;
    expectError(await enter(h, 'max', hash, 'acme', 'max-hash'), 'challenge_required');
    const other = await h.json('GET', '/accounts/acme/area', {
      as: 'max',
      session: 'max-name',
      headers: { cookie: `mfa_devices=${token}` },
    });
    expectError(other, 'challenge_required');
  });

  it('a malformed cookie is ignored everywhere it is read, never a 500', async () => {
    const { h, token } = await remembered();
    const values = [
      '',
      'x',
      '%',
      '%E0%A4%A',
      '"quoted"',
      `${token}=`,
      `${token}${token}`,
      'A'.repeat(43),
      'Ä'.repeat(43),
      '\u0000'.repeat(43),
      'x'.repeat(10_000),
      `${token.slice(0, 42)}+`,
    ];
    const headerValues = [
      ...values.map((v) => `mfa_device=${encodeURIComponent(v)}`),
      ...values.slice(0, 4).map((v) => `mfa_device=${v}`),
      'mfa_device',
      `mfa_device=; mfa_device=${'B'.repeat(43)}`,
      ';;;=;',
    ];
    for (const cookie of headerValues) {
      const probe = (path: string) =>
        h.json('GET', path, { as: 'max', session: 'max-probe', headers: { cookie } });
      expectError(await probe('/accounts/acme/area'), 'challenge_required');
      expect((await probe('/mfa/accounts/acme/access')).body.reason).toBe('challenge_required');
      expect((await probe('/mfa/me')).body.session.verified).toBe(false);
      expect((await probe('/mfa/me/devices')).status).toBe(200);
      const forget = await h.json('DELETE', '/mfa/me/devices/AAAA', { as: 'max', headers: { cookie } });
      expectError(forget, 'not_found');
    }
    expect(await h.store.getSession('max', 'max-probe')).toBeNull();
    // evaluate() takes whatever a host passes.
    for (const deviceToken of [undefined, null, '', 42, {}, ['x'], token.toUpperCase()]) {
      const decision = await h.mfa.evaluate({
        principal: { userId: 'max', sessionId: 'max-eval', authMethod: 'password' },
        accountId: 'acme',
        deviceToken: deviceToken as string,
      });
      expect(decision.reason).toBe('challenge_required');
    }
    const genuine = await h.mfa.evaluate({
      principal: { userId: 'max', sessionId: 'max-eval', authMethod: 'password' },
      accountId: 'acme',
      deviceToken: token,
    });
    expect(genuine).toEqual({ allow: true, reason: 'verified' });
  });

  it("lowering an account's days takes effect at once for that account, and 0 disables", async () => {
    const h = harness({ policyCacheTtl: 30 });
    await setPolicy(h, 'acme', { rememberDeviceDays: 30 });
    await setPolicy(h, 'contoso', { rememberDeviceDays: 30 });
    await h.enroll('sam');
    const token = (await rememberWithCode(h, 'sam')).token as string;
    h.advance(2 * DAY_S);
    expect((await enter(h, 'sam', token, 'acme', 'sam-a')).status).toBe(200);
    expect((await enter(h, 'sam', token, 'contoso', 'sam-c')).status).toBe(200);
    await setPolicy(h, 'acme', { rememberDeviceDays: 1 });
    expectError(await enter(h, 'sam', token, 'acme', 'sam-a'), 'challenge_required');
    expectError(await enter(h, 'sam', token, 'acme', 'sam-a2'), 'challenge_required');
    // The other account keeps its own days.
    expect((await enter(h, 'sam', token, 'contoso', 'sam-c2')).status).toBe(200);
    await setPolicy(h, 'contoso', { rememberDeviceDays: 0 });
    expectError(await enter(h, 'sam', token, 'contoso', 'sam-c3'), 'challenge_required');
    // Raised again, the device (still unexpired) counts again.
    await setPolicy(h, 'acme', { rememberDeviceDays: 3 });
    expect((await enter(h, 'sam', token, 'acme', 'sam-a3')).status).toBe(200);
  });

  it('a phishing-resistant account refuses a device remembered after an app code, and a session it let in elsewhere', async () => {
    const h = harness({ policyCacheTtl: 30 });
    await setPolicy(h, 'acme', { rememberDeviceDays: 30 });
    await setPolicy(h, 'contoso', { rememberDeviceDays: 30, allowedFactors: 'phishing_resistant' });
    await h.enroll('sam');
    await addPasskey(h, { as: 'sam' });
    const token = (await rememberWithCode(h, 'sam')).token as string;
    const [device] = await h.store.listRememberedDevices('sam');
    expect(device?.method).toBe('totp');
    // One session: let into acme by the device (and marked verified), then carried to contoso.
    expect((await enter(h, 'sam', token, 'acme', 'sam-one')).status).toBe(200);
    expect((await h.store.getSession('sam', 'sam-one'))?.method).toBe('remembered_device');
    const strict = await enter(h, 'sam', token, 'contoso', 'sam-one');
    expectError(strict, 'challenge_required');
    expect(strict.body.error.accepts).toEqual(['webauthn']);
    // Without the cookie the marked session passes nowhere.
    expectError(
      await h.json('GET', '/accounts/acme/area', { as: 'sam', session: 'sam-one' }),
      'challenge_required',
    );
  });

  it('a remembered device is never a step-up, even in the session it let in', async () => {
    const { h, token } = await remembered();
    expect((await enter(h, 'max', token)).status).toBe(200);
    const asDevice = withCookie(token, { as: 'max', session: 'max-new' });
    expectError(await h.json('POST', '/mfa/me/recovery-codes', asDevice), 'step_up_required');
    expectError(await h.json('POST', '/mfa/me/totp/setup', asDevice), 'step_up_required');
    expectError(await h.json('POST', '/mfa/me/webauthn/registration', asDevice), 'step_up_required');
    expect(await h.store.countRecoveryCodes('max')).toBe(10);
  });

  it('no response carries the token back, and the store holds only its keyed hash', async () => {
    const { h, token } = await remembered();
    const responses = [
      await enter(h, 'max', token),
      await h.json('GET', '/mfa/me', withCookie(token, { as: 'max', session: 'max-new' })),
      await h.json('GET', '/mfa/me/devices', withCookie(token, { as: 'max' })),
      await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' }),
    ];
    for (const res of responses) expect(JSON.stringify(res.body)).not.toContain(token);
    const [device] = await h.store.listRememberedDevices('max');
    // The hash is the HMAC under the device key derived from the secret, not the recovery-code key.
    const box = new SecretBox([SECRET]);
    expect(device?.tokenHash).toBe(box.deviceHash(token));
    expect(device?.tokenHash).not.toBe(box.hash(token));
  });
});

describe('key rotation', () => {
  const NEW_SECRET = 'a-newer-secret-of-at-least-32-bytes-long!!';
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  it('a device hashed under an older key is still found, hashed again under the newest on use, and lost with its key', async () => {
    const store = storeFactories[1]?.[1]() as ReturnType<(typeof storeFactories)[number][1]>;
    const before = createHarness({ store });
    await setPolicy(before, 'acme', { rememberDeviceDays: 7 });
    await before.enroll('max');
    const used = await rememberWithCode(before, 'max', 'max-used');
    const unused = await rememberWithCode(before, 'max', 'max-unused');
    const oldHashes = (await store.listRememberedDevices('max')).map((d) => d.tokenHash);

    // The new key first, the old one kept: both devices are found; the one used is hashed again.
    const rotated = createHarness({ store, secret: [NEW_SECRET, SECRET] });
    rotated.clock.now = before.clock.now;
    expect((await enter(rotated, 'max', used.token as string)).status).toBe(200);
    const after = await store.listRememberedDevices('max');
    const newBox = new SecretBox([NEW_SECRET]);
    expect(after.find((d) => d.tokenHash === newBox.deviceHash(used.token as string))).toBeDefined();
    expect(after.map((d) => d.tokenHash)).toContain(oldHashes[1]);

    // The old key removed: the device used since still opens; the other is lost (challenged).
    const only = createHarness({ store, secret: [NEW_SECRET] });
    open.push(only);
    only.clock.now = before.clock.now;
    expect((await enter(only, 'max', used.token as string, 'acme', 'max-after')).status).toBe(200);
    expectError(
      await enter(only, 'max', unused.token as string, 'acme', 'max-after-2'),
      'challenge_required',
    );
  });
});
