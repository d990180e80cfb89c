/**
 * Sessions that outlive the trust they were verified with. A thief who verified
 * one of a user's sessions with a stolen phone keeps it for the 12 hours of a
 * verification unless the user's reaction ends it: when the user replaces the
 * authenticator app, or regenerates the recovery codes the thief may have read,
 * every other verified session of that user ends, in the same transaction as the
 * change. Otherwise the thief's session, still fresh, mints recovery codes that
 * work against the new factor. And a code judged against the old secret is never
 * consumed on the new factor, even when the replacement lands between the judging
 * and the consuming.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { generateTotpSecret } from '../../src/factors/totp/totp.ts';
import type { MfaStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import {
  createHarness,
  expectError,
  type Harness,
  SECRET,
  sessionVerified,
  storeFactories,
  tempFolder,
} from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, verifyWithPasskey } from '../webauthn/passkeys.ts';

/** max enrolls on his phone (max-s1); the thief verifies max-thief with a code of that phone. */
async function thiefVerified(h: Harness) {
  const old = await h.enroll('max');
  await h.verify('max', 'max-thief');
  expect(await sessionVerified(h, 'max', 'max-thief')).toBe(true);
  return old;
}

/** max sets up a new authenticator app from max-s1 (step-up: he verifies there first). */
async function replaceApp(h: Harness, session = 'max-s1') {
  const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max', session });
  expect(setup.status).toBe(200);
  const confirm = await h.json('POST', '/mfa/me/totp/confirm', {
    as: 'max',
    session,
    body: { code: await h.code(setup.body.secret) },
  });
  expect(confirm.status).toBe(200);
  h.advance(30);
  return { secret: setup.body.secret as string, recoveryCodes: confirm.body.recoveryCodes as string[] };
}

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  const open: Harness[] = [];
  const harness = () => {
    const h = createHarness({ store: makeStore() });
    open.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
  });

  it('replacing the authenticator app ends every other verified session of the user', async () => {
    const h = harness();
    await thiefVerified(h);
    await h.enroll('ada');
    await replaceApp(h);
    expect(await sessionVerified(h, 'max', 'max-thief')).toBe(false);
    expect(await h.store.getSession('max', 'max-thief')).toBeNull();
    // The session that replaced it is verified with the new app; another user's sessions stay.
    expect(await sessionVerified(h, 'max', 'max-s1')).toBe(true);
    expect(await sessionVerified(h, 'ada', 'ada-s1')).toBe(true);
  });

  it("the thief's session cannot mint recovery codes after the app was replaced", async () => {
    const h = harness();
    await thiefVerified(h);
    const fresh = await replaceApp(h);
    // Within the 15 minutes of a step-up, had the session survived.
    const minted = await h.json('POST', '/mfa/me/recovery-codes', { as: 'max', session: 'max-thief' });
    expectError(minted, 'step_up_required');
    // The codes issued with the new app still work.
    const recovery = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-other',
      body: { recoveryCode: fresh.recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
  });

  it('a guarded area refuses the old session until it verifies with the new app', async () => {
    const h = harness();
    const old = await thiefVerified(h);
    const fresh = await replaceApp(h);
    // Challenged again, and the old app's code no longer counts.
    expectError(
      await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-thief' }),
      'challenge_required',
    );
    const withOld = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-thief',
      body: { code: await h.code(old.secret) },
    });
    expectError(withOld, 'invalid_code');
    const withNew = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-thief',
      body: { code: await h.code(fresh.secret) },
    });
    expect(withNew.status).toBe(200);
  });

  it('regenerating recovery codes ends every other verified session, and keeps the one that asked', async () => {
    const h = harness();
    await thiefVerified(h);
    const res = await h.json('POST', '/mfa/me/recovery-codes', { as: 'max', session: 'max-s1' });
    expect(res.status).toBe(200);
    expect(await sessionVerified(h, 'max', 'max-thief')).toBe(false);
    expect(await sessionVerified(h, 'max', 'max-s1')).toBe(true);
  });

  it('a code of the old app is not consumed on a factor that replaced it meanwhile', async () => {
    // The replacement lands just before the settling transaction, which reads the app and
    // judges the code inside it: the old app's code does not count on the new factor.
    let replaceBeforeSettling: (() => Promise<void>) | null = null;
    const inner = makeStore();
    const store = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'settleAttempt' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const replace = replaceBeforeSettling;
          replaceBeforeSettling = null;
          await replace?.();
          return value.apply(target, args);
        };
      },
    }) as MfaStore;
    const h = createHarness({ store });
    open.push(h);
    const old = await h.enroll('max');
    const current = await h.store.getTotpFactor('max');
    expect(current).not.toBeNull();
    replaceBeforeSettling = async () => {
      const secret = new SecretBox([SECRET]).seal(generateTotpSecret(), 'max');
      await inner.putPendingTotp({
        userId: 'max',
        secret,
        expiresAt: new Date(h.clock.now.getTime() + 60_000),
      });
      await inner.activateTotp(
        { userId: 'max', secret, lastUsedStep: null, createdAt: h.clock.now },
        secret,
        [],
      );
    };
    const res = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-attacker',
      body: { code: await h.code(old.secret) },
    });
    expectError(res, 'invalid_code');
    expect(await sessionVerified(h, 'max', 'max-attacker')).toBe(false);
    expect((await h.store.getTotpFactor('max'))?.lastUsedStep).toBeNull();
  });
});

describe('across instances that share an SQLite file', () => {
  let folder: ReturnType<typeof tempFolder> | undefined;
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
    folder?.cleanup();
  });

  it('a replacement on one instance ends the old sessions on another within policyCacheTtl', async () => {
    folder = tempFolder();
    const file = folder.file();
    const a = createHarness({ store: sqliteStore({ filename: file }), policyCacheTtl: 1 });
    const b = createHarness({ store: sqliteStore({ filename: file }), policyCacheTtl: 0 });
    open.push(a, b);
    sameTime(a, b);
    await thiefVerified(b);
    sameTime(a, b);
    // a remembers the thief's session as verified.
    expect((await a.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-thief' })).status).toBe(
      200,
    );
    await replaceApp(b);
    sameTime(a, b);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectError(
      await a.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-thief' }),
      'challenge_required',
    );
  });
});

describe('passkeys across instances that share an SQLite file', () => {
  let folder: ReturnType<typeof tempFolder> | undefined;
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
    folder?.cleanup();
  });

  it('removing a stolen security key on one instance ends the session it verified on another', async () => {
    folder = tempFolder();
    const file = folder.file();
    const a = createHarness({ store: sqliteStore({ filename: file }), policyCacheTtl: 1 });
    const b = createHarness({ store: sqliteStore({ filename: file }), policyCacheTtl: 0 });
    open.push(a, b);
    const stolen = softwareAuthenticator();
    const { credentialId } = await addPasskey(b, { as: 'max' }, stolen);
    await verifyWithPasskey(b, { as: 'max' }, stolen);
    const kept = softwareAuthenticator();
    await addPasskey(b, { as: 'max' }, kept); // the key he keeps
    await verifyWithPasskey(b, { as: 'max' }, kept);
    sameTime(a, b);
    expect((await verifyWithPasskey(a, { as: 'max', session: 'max-thief' }, stolen)).status).toBe(200);
    expect((await a.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-thief' })).status).toBe(
      200,
    );
    const removed = await b.json('DELETE', `/mfa/me/webauthn/credentials/${credentialId}`, { as: 'max' });
    expect(removed.status).toBe(200);
    expect(await b.store.getSession('max', 'max-thief')).toBeNull();
    sameTime(a, b);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectError(
      await a.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-thief' }),
      'challenge_required',
    );
    // The stolen key verifies nothing any more.
    const again = await verifyWithPasskey(a, { as: 'max', session: 'max-thief' }, stolen, {
      credentialId: credentialId as string,
    });
    expectError(again, 'invalid_credential');
  });
});

/** The two instances see the same time. */
function sameTime(a: Harness, b: Harness) {
  a.clock.now = b.clock.now = new Date(Math.max(a.clock.now.getTime(), b.clock.now.getTime()));
}
