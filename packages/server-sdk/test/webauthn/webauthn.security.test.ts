/**
 * Attacks on passkeys and security keys, each against the rule that stops it, driven
 * through the HTTP API with a real software authenticator (no mocks):
 * - a phishing page on another origin, or a relying party of another domain, relays
 *   the user's ceremony: the origin and the rpId hash are checked;
 * - an assertion captured once is sent again (replay), a challenge is answered twice,
 *   answered from another session, or after its five minutes;
 * - a cloned authenticator signs with a counter that went backwards;
 * - one user's credential is presented in another user's session, or an assertion
 *   names another user;
 * - assertions are guessed or forged in bulk: each failure counts in the back-off
 *   shared with app codes;
 * - more than ten credentials are registered.
 * Each test shows the refusal and that nothing was verified or consumed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, expectError, type Harness, storeFactories, wrongCode } from '../support.ts';
import { softwareAuthenticator } from './authenticator.ts';
import { addPasskey, ORIGIN, verifyWithPasskey } from './passkeys.ts';

const S2 = 'max-s2';
const verifiedIn = async (h: Harness, user: string, session: string) =>
  (await h.json('GET', '/mfa/me', { as: user, session })).body.session.verified as boolean;

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  let h: Harness;
  afterEach(async () => {
    await h.mfa.close();
  });

  /** Max with a security key, about to verify a new session (S2). */
  async function maxWithKey(options: Parameters<typeof softwareAuthenticator>[0] = {}) {
    h = createHarness({ store: makeStore() });
    const key = softwareAuthenticator(options);
    const added = await addPasskey(h, { as: 'max' }, key);
    expect(added.status).toBe(200);
    // A registration is no step-up: max's own session verifies with the key, as before binding more.
    expect((await verifyWithPasskey(h, { as: 'max' }, key)).status).toBe(200);
    return { key, credentialId: added.credentialId as string };
  }

  it('refuses an assertion made on another origin (a phishing page), counts it, verifies nothing', async () => {
    const { key } = await maxWithKey();
    const phished = await verifyWithPasskey(h, { as: 'max', session: S2 }, key, {
      origin: 'https://portal.test.evil.example',
    });
    expect(expectError(phished, 'invalid_credential').attemptsLeft).toBe(4);
    expect((await h.store.getAttempts('max')).failures).toBe(1);
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
    // The same key on the right origin is fine.
    expect((await verifyWithPasskey(h, { as: 'max', session: S2 }, key)).status).toBe(200);
  });

  it('refuses an assertion for another rpId, and a registration made for one', async () => {
    const { key } = await maxWithKey();
    const other = await verifyWithPasskey(h, { as: 'max', session: S2 }, key, { rpId: 'evil.example' });
    expectError(other, 'invalid_credential');
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
    const registered = await addPasskey(h, { as: 'max' }, softwareAuthenticator(), { rpId: 'evil.example' });
    expectError(registered, 'invalid_credential');
    const wrongOrigin = await addPasskey(h, { as: 'max' }, softwareAuthenticator(), {
      origin: 'https://evil.example',
    });
    expectError(wrongOrigin, 'invalid_credential');
    expect(await h.store.listWebAuthnCredentials('max')).toHaveLength(1);
  });

  it('refuses a forged signature', async () => {
    const { key } = await maxWithKey();
    const forged = await verifyWithPasskey(h, { as: 'max', session: S2 }, key, { corruptSignature: true });
    expectError(forged, 'invalid_credential');
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
  });

  it('refuses a replayed assertion: its challenge was answered, and a new challenge is not the one it signed', async () => {
    const { key } = await maxWithKey();
    const first = await verifyWithPasskey(h, { as: 'max', session: S2 }, key);
    expect(first.status).toBe(200);
    await h.mfa.endSession('max', S2);
    // The captured assertion, as it was.
    const again = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: S2,
      body: { webauthn: first.assertion },
    });
    expectError(again, 'challenge_expired');
    // Against a fresh challenge of the same session: signed over another one.
    await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: S2 });
    const replayed = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: S2,
      body: { webauthn: first.assertion },
    });
    expectError(replayed, 'challenge_expired');
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
  });

  it('refuses an assertion that carries a challenge of its own making', async () => {
    const { key } = await maxWithKey();
    const forged = await verifyWithPasskey(h, { as: 'max', session: S2 }, key, { challenge: 'bm90LWdpdmVu' });
    expectError(forged, 'challenge_expired');
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
  });

  it('refuses a counter that went backwards (a cloned authenticator), and audits it', async () => {
    const { key, credentialId } = await maxWithKey(); // counter 1
    expect((await verifyWithPasskey(h, { as: 'max', session: S2 }, key)).status).toBe(200); // counter 2
    expect((await verifyWithPasskey(h, { as: 'max', session: 'max-s3' }, key)).status).toBe(200); // 3
    const cloned = await verifyWithPasskey(h, { as: 'max', session: 'max-s4' }, key, { counter: 2 });
    expectError(cloned, 'invalid_credential');
    const same = await verifyWithPasskey(h, { as: 'max', session: 'max-s4' }, key, { counter: 3 });
    expectError(same, 'invalid_credential');
    expect(await verifiedIn(h, 'max', 'max-s4')).toBe(false);
    expect((await h.store.getWebAuthnCredential('max', credentialId))?.counter).toBe(3);
    const audited = h.events.filter((e) => e.type === 'challenge.replayed');
    expect(audited.map((e) => e.after)).toEqual([
      { failures: 1, kind: 'webauthn', method: 'webauthn', credentialId, reason: 'counter_regressed' },
      { failures: 2, kind: 'webauthn', method: 'webauthn', credentialId, reason: 'counter_regressed' },
    ]);
    // The real key, moving on, still verifies.
    expect((await verifyWithPasskey(h, { as: 'max', session: 'max-s4' }, key)).status).toBe(200);
  });

  it('accepts an authenticator that keeps no counter (always 0)', async () => {
    const { key } = await maxWithKey({ counting: false, backedUp: true });
    for (const session of [S2, 'max-s3', 'max-s4']) {
      expect((await verifyWithPasskey(h, { as: 'max', session }, key)).status).toBe(200);
    }
  });

  it("refuses another user's credential in this user's session", async () => {
    const { key: maxKey } = await maxWithKey();
    const adaKey = softwareAuthenticator();
    await h.enroll('ada');
    expect((await addPasskey(h, { as: 'ada' }, adaKey)).status).toBe(200);
    // Max's challenge, signed by Ada's key with Ada's credential.
    const begun = await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: S2 });
    const adaCredential = [...adaKey.credentials.keys()][0] as string;
    const assertion = adaKey.authenticate(
      { ...begun.body.options, allowCredentials: [{ id: adaCredential }] },
      { origin: ORIGIN },
    );
    const answer = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: S2,
      body: { webauthn: assertion },
    });
    expectError(answer, 'invalid_credential');
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
    expect((await h.store.getAttempts('max')).failures).toBe(1);
    // Max's own key, naming Ada as its user, is refused too.
    const adaHandle = await h.store.webAuthnUserHandle('ada', 'unused');
    const named = await verifyWithPasskey(h, { as: 'max', session: S2 }, maxKey, { userHandle: adaHandle });
    expectError(named, 'invalid_credential');
    // Nor can Max rename or remove Ada's credential.
    expectError(
      await h.json('PATCH', `/mfa/me/webauthn/credentials/${adaCredential}`, {
        as: 'max',
        body: { name: 'mine' },
      }),
      'not_found',
    );
    expectError(
      await h.json('DELETE', `/mfa/me/webauthn/credentials/${adaCredential}`, { as: 'max' }),
      'not_found',
    );
    expect((await h.store.getWebAuthnCredential('ada', adaCredential))?.name).toBe('Passkey');
  });

  it('refuses a challenge answered after its five minutes, without counting it', async () => {
    const { key } = await maxWithKey();
    const begun = await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: S2 });
    h.advance(5 * 60 + 1);
    const late = key.authenticate(begun.body.options, { origin: ORIGIN });
    expectError(
      await h.json('POST', '/mfa/challenge', { as: 'max', session: S2, body: { webauthn: late } }),
      'challenge_expired',
    );
    expect((await h.store.getAttempts('max')).failures).toBe(0);
    // A registration too.
    const registration = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
    h.advance(5 * 60 + 1);
    const response = softwareAuthenticator().register(registration.body.options, { origin: ORIGIN });
    expectError(
      await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response } }),
      'challenge_expired',
    );
  });

  it('refuses a registration answered twice', async () => {
    const { key } = await maxWithKey();
    const begun = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
    const response = softwareAuthenticator().register(begun.body.options, { origin: ORIGIN });
    expect(
      (await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response } })).status,
    ).toBe(200);
    // Stepped up again (a registration is none), the answer given twice is still refused.
    await verifyWithPasskey(h, { as: 'max' }, key);
    expectError(
      await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response } }),
      'challenge_expired',
    );
    expect(await h.store.listWebAuthnCredentials('max')).toHaveLength(2);
  });

  it('refuses a challenge begun in another session (or by another user)', async () => {
    const { key } = await maxWithKey();
    const begun = await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: S2 });
    const assertion = key.authenticate(begun.body.options, { origin: ORIGIN });
    const elsewhere = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-s3',
      body: { webauthn: assertion },
    });
    expectError(elsewhere, 'challenge_expired');
    expect(await verifiedIn(h, 'max', 'max-s3')).toBe(false);
    // The session it was given to may still answer it: the other session's attempt took nothing.
    const own = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: S2,
      body: { webauthn: assertion },
    });
    expect(own.status).toBe(200);
    // A registration begun by Max cannot be finished by Sam.
    const registration = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max', session: S2 });
    const response = softwareAuthenticator().register(registration.body.options, { origin: ORIGIN });
    expectError(
      await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'sam', body: { response } }),
      'challenge_expired',
    );
    expect(await h.store.listWebAuthnCredentials('sam')).toEqual([]);
  });

  it('counts failed assertions in the back-off shared with app codes, and locks before judging', async () => {
    const { key } = await maxWithKey();
    const totp = await h.enroll('max', 'max-s1');
    h.advance(30);
    for (let i = 0; i < 2; i++) {
      await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: S2,
        body: { code: await wrongCode(h, totp.secret) },
      });
    }
    for (let i = 0; i < 2; i++) {
      expectError(
        await verifyWithPasskey(h, { as: 'max', session: S2 }, key, { corruptSignature: true }),
        'invalid_credential',
      );
    }
    const fifth = await verifyWithPasskey(h, { as: 'max', session: S2 }, key, {
      origin: 'https://evil.example',
    });
    expect(expectError(fifth, 'invalid_credential')).toMatchObject({
      attemptsLeft: 0,
      retryAfterSeconds: 30,
    });
    // Locked: a valid assertion is not judged now.
    const locked = await verifyWithPasskey(h, { as: 'max', session: S2 }, key);
    expectError(locked, 'too_many_attempts');
    expect(await verifiedIn(h, 'max', S2)).toBe(false);
    expect(h.events.filter((e) => e.type === 'challenge.locked')).toHaveLength(1);
    h.advance(31);
    const after = await verifyWithPasskey(h, { as: 'max', session: S2 }, key);
    expect(after.status).toBe(200);
    expect((await h.store.getAttempts('max')).failures).toBe(0);
  });

  it('after 100 failures refuses app codes until a recovery code, but not a passkey (it cannot be guessed)', async () => {
    const { key } = await maxWithKey();
    const app = await h.enroll('max');
    const noLock = { threshold: Number.MAX_SAFE_INTEGER, baseMs: 1, capMs: 1 };
    for (let i = 0; i < 100; i++) {
      await h.store.settleAttempt({
        userId: 'max',
        sessionId: 'guesser',
        now: h.clock.now,
        schedule: noLock,
        proof: { kind: 'recovery', hashes: [] },
      });
    }
    h.advance(30);
    const code = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: S2,
      body: { code: await h.code(app.secret) },
    });
    expect(expectError(code, 'invalid_code').recoveryCodeRequired).toBe(true);
    h.advance(3600); // the lock that refusal earned
    const passkey = await verifyWithPasskey(h, { as: 'max', session: S2 }, key);
    expect(passkey.body).toMatchObject({ verified: true, method: 'webauthn' });
    expect((await h.store.getAttempts('max')).failures).toBe(0);
  });

  it('allows ten credentials a user and refuses the eleventh, begun or finished', async () => {
    const { key } = await maxWithKey();
    for (let i = 0; i < 8; i++) {
      expect((await addPasskey(h, { as: 'max' })).status).toBe(200);
      await verifyWithPasskey(h, { as: 'max' }, key);
    }
    // Two registrations begun at nine: the first to finish discards the other (a trust change).
    const one = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
    const two = await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
    const first = softwareAuthenticator().register(one.body.options, { origin: ORIGIN });
    const second = softwareAuthenticator().register(two.body.options, { origin: ORIGIN });
    expect(
      (await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response: first } })).status,
    ).toBe(200);
    await verifyWithPasskey(h, { as: 'max' }, key);
    expectError(
      await h.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response: second } }),
      'challenge_expired',
    );
    expectError(await h.json('POST', '/mfa/me/webauthn/registration', { as: 'max' }), 'too_many_credentials');
    expect(await h.store.listWebAuthnCredentials('max')).toHaveLength(10);
  });

  it('refuses a malformed assertion with invalid_request or invalid_credential, never a 500', async () => {
    const { key } = await maxWithKey();
    const begun = await h.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: S2 });
    const good = key.authenticate(begun.body.options, { origin: ORIGIN });
    const broken = [
      { ...good, response: { ...good.response, authenticatorData: 'AAAA' } },
      { ...good, response: { ...good.response, signature: 'AAAA' } },
      { ...good, response: { ...good.response, clientDataJSON: 'bm90IGpzb24' } },
      { ...good, id: 'AAAA', rawId: 'AAAA' },
    ];
    for (const webauthn of broken) {
      const answer = await h.json('POST', '/mfa/challenge', { as: 'max', session: S2, body: { webauthn } });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
      expect(['invalid_credential', 'challenge_expired']).toContain(answer.body.error.code);
    }
    const unknownField = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: S2,
      body: { webauthn: { ...good, extra: 1 } },
    });
    expectError(unknownField, 'invalid_request');
  });
});

describe('a ceremony begun on one instance is finished on another (one SQLite file)', () => {
  let folder = '';
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('registers and verifies across instances, and a challenge taken on one is gone on the other', async () => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-webauthn-'));
    const filename = join(folder, 'mfa.db');
    const a = createHarness({ store: sqliteStore({ filename }) });
    const b = createHarness({ store: sqliteStore({ filename }) });
    try {
      const key = softwareAuthenticator({ algorithm: 'EdDSA' });
      const begun = await a.json('POST', '/mfa/me/webauthn/registration', { as: 'max' });
      const response = key.register(begun.body.options, { origin: ORIGIN });
      const added = await b.json('POST', '/mfa/me/webauthn/credentials', { as: 'max', body: { response } });
      expect(added.status).toBe(200);
      expect(added.body.recoveryCodes).toHaveLength(10);

      const options = (await b.json('POST', '/mfa/challenge/webauthn', { as: 'max', session: S2 })).body
        .options;
      const assertion = key.authenticate(options, { origin: ORIGIN });
      const verified = await a.json('POST', '/mfa/challenge', {
        as: 'max',
        session: S2,
        body: { webauthn: assertion },
      });
      expect(verified.body).toMatchObject({ verified: true, method: 'webauthn' });
      expectError(
        await b.json('POST', '/mfa/challenge', { as: 'max', session: S2, body: { webauthn: assertion } }),
        'challenge_expired',
      );
    } finally {
      await a.mfa.close();
      await b.mfa.close();
    }
  });
});
