/**
 * Losing or mixing up the encryption key. Operators rotate `secret` (a leaked
 * backup, a departing admin, a schedule), restore an old configuration, or deploy
 * one instance with the wrong value. A rotation lists the new secret first and
 * the old one after it: everything written under the old key keeps working and
 * is re-sealed under the new one when next used. A wrong key must not limp along
 * (refusing each user at their next verification, or worse, sealing new secrets
 * under a key the other instances cannot read): the store keeps a key check, a
 * known value sealed under the newest key on first start, and `mfa.ready()`
 * rejects with `MfaConfigError` when no configured key opens it, while every
 * request answers 503 `unavailable` and writes nothing.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KEY_CHECK_META } from '../../src/crypto/key-check.ts';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { routes } from '../../src/http/routes/index.ts';
import { MfaConfigError, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, faultyStore, type Harness, pathOf, tempFolder } from '../support.ts';

const A = 'key-a-secret-of-at-least-32-bytes-long!';
const B = 'key-b-secret-of-at-least-32-bytes-long!';
const C = 'key-c-secret-never-used-for-this-store!!';
const keyId = (secret: string) => new SecretBox([secret]).currentKeyId();
const keyIdOf = (sealed: string | null | undefined) => sealed?.split('.')[1];

describe('key rotation on an SQLite file', () => {
  let folder: ReturnType<typeof tempFolder>;
  const open: Harness[] = [];
  const start = (secret: string | string[], now?: Date) => {
    const h = createHarness({ store: sqliteStore({ filename: folder.file() }), secret });
    if (now) h.clock.now = new Date(now);
    open.push(h);
    return h;
  };
  /** The file as a separate reader sees it. */
  const raw = <T>(query: string, ...params: unknown[]): T[] => {
    const db = new Database(folder.file(), { readonly: true });
    try {
      return db.prepare(query).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  const keyCheck = () =>
    raw<{ value: string }>('select value from mfa_meta where key = ?', KEY_CHECK_META)[0]?.value;
  const factorSecret = (user: string) =>
    raw<{ secret: string }>('select secret from mfa_totp_factors where user_id = ?', user)[0]?.secret;
  const codeHashes = (user: string) =>
    raw<{ code_hash: string }>('select code_hash from mfa_recovery_codes where user_id = ?', user).map(
      (r) => r.code_hash,
    );

  beforeEach(() => {
    folder = tempFolder();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
    folder.cleanup();
    vi.restoreAllMocks();
  });

  it('writes the key check under the key of the first start', async () => {
    const h = start(A);
    await h.mfa.ready();
    expect(keyIdOf(keyCheck())).toBe(await keyId(A));
    // Sealed, not a plain marker: it authenticates only under A.
    expect(keyCheck()).toMatch(/^v2\.[0-9a-f]{12}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
  });

  it('keeps working after a restart with [B, A], and re-seals under B what it uses', async () => {
    const before = start(A);
    const ada = await before.enroll('ada');
    const max = await before.enroll('max');
    const pending = await before.json('POST', '/mfa/me/totp/setup', { as: 'sam' });
    expect(pending.status).toBe(200);
    const now = before.clock.now;
    await before.mfa.close();
    for (const user of ['ada', 'max']) expect(keyIdOf(factorSecret(user))).toBe(await keyId(A));

    const after = start([B, A], now);
    await expect(after.mfa.ready()).resolves.toBeUndefined();
    // The key check moved to B at once.
    expect(keyIdOf(keyCheck())).toBe(await keyId(B));

    // ada verifies with her app: her secret is re-sealed under B on that use.
    const totp = await after.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { code: await after.code(ada.secret) },
    });
    expect(totp.status).toBe(200);
    expect(keyIdOf(factorSecret('ada'))).toBe(await keyId(B));
    // max has not been back: still under A, and still readable.
    expect(keyIdOf(factorSecret('max'))).toBe(await keyId(A));
    // His recovery codes were hashed under A and are found through the A hash.
    expect(new Set(codeHashes('max').map((h) => h.split('.')[0]))).toEqual(new Set([await keyId(A)]));
    const recovery = await after.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-s2',
      body: { recoveryCode: max.recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
    // New codes are hashed under B.
    const regenerated = await after.json('POST', '/mfa/me/recovery-codes', { as: 'max', session: 'max-s2' });
    expect(regenerated.status).toBe(200);
    expect(new Set(codeHashes('max').map((h) => h.split('.')[0]))).toEqual(new Set([await keyId(B)]));

    // sam's pending setup was sealed under A; confirming it stores the factor under B.
    const confirm = await after.json('POST', '/mfa/me/totp/confirm', {
      as: 'sam',
      body: { code: await after.code(pending.body.secret) },
    });
    expect(confirm.status).toBe(200);
    expect(keyIdOf(factorSecret('sam'))).toBe(await keyId(B));
    after.advance(30);
    const samAgain = await after.json('POST', '/mfa/challenge', {
      as: 'sam',
      session: 'sam-s2',
      body: { code: await after.code(pending.body.secret) },
    });
    expect(samAgain.status).toBe(200);
  });

  it('rotateKeys re-seals every factor under the newest key, so the old key can go once codes are renewed', async () => {
    const before = start(A);
    const users = ['ada', 'max', 'sam'];
    const enrolled = new Map<string, Awaited<ReturnType<Harness['enroll']>>>();
    for (const user of users) enrolled.set(user, await before.enroll(user));
    const now = before.clock.now;
    await before.mfa.close();

    const rotating = start([B, A], now);
    const report = await rotating.mfa.rotateKeys();
    expect(report).toEqual({
      keyId: await keyId(B),
      factorsResealed: 3,
      factorsUnreadable: 0,
      recoveryCodesUnderOlderKeys: 3,
      olderKeysInUse: true,
    });
    for (const user of users) expect(keyIdOf(factorSecret(user))).toBe(await keyId(B));
    // Run again: nothing left to re-seal.
    expect((await rotating.mfa.rotateKeys()).factorsResealed).toBe(0);
    // Users renew their codes in their profile (after a verification); max has not yet.
    for (const user of ['ada', 'sam']) {
      rotating.advance(30);
      const verified = await rotating.json('POST', '/mfa/challenge', {
        as: user,
        session: `${user}-s2`,
        body: { code: await rotating.code(enrolled.get(user)?.secret as string) },
      });
      expect(verified.status).toBe(200);
      const renewed = await rotating.json('POST', '/mfa/me/recovery-codes', {
        as: user,
        session: `${user}-s2`,
      });
      expect(renewed.status).toBe(200);
    }
    expect(await rotating.mfa.rotateKeys()).toMatchObject({
      recoveryCodesUnderOlderKeys: 1,
      olderKeysInUse: true,
    });
    // /me tells max (and only him) that his codes are outdated.
    const outdated = async (user: string) =>
      (await rotating.json('GET', '/mfa/me', { as: user })).body.recoveryCodesOutdated;
    expect(await outdated('max')).toBe(true);
    expect(await outdated('ada')).toBe(false);
    const max = await rotating.json('POST', '/mfa/me/recovery-codes', { as: 'max', session: 'max-s1' });
    expect(max.status).toBe(200);
    expect(await rotating.mfa.rotateKeys()).toMatchObject({
      recoveryCodesUnderOlderKeys: 0,
      olderKeysInUse: false,
    });
    expect(await outdated('max')).toBe(false);
    const later = rotating.clock.now;
    await rotating.mfa.close();

    // A is gone: every factor still verifies with the same authenticator app.
    const after = start(B, later);
    await expect(after.mfa.ready()).resolves.toBeUndefined();
    for (const user of users) {
      after.advance(30);
      const answer = await after.json('POST', '/mfa/challenge', {
        as: user,
        session: `${user}-s3`,
        body: { code: await after.code(enrolled.get(user)?.secret as string) },
      });
      expect(answer.status, user).toBe(200);
    }
  });

  it('a setup begun under a key since removed asks the user to start again, and the next one works', async () => {
    const before = start(A);
    const setup = await before.json('POST', '/mfa/me/totp/setup', { as: 'sam' });
    expect(setup.status).toBe(200);
    const now = before.clock.now;
    await before.mfa.close();
    const rotating = start([B, A], now);
    await rotating.mfa.ready();
    await rotating.mfa.close();

    const after = start(B, now);
    const stale = await after.json('POST', '/mfa/me/totp/confirm', {
      as: 'sam',
      body: { code: await after.code(setup.body.secret) },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({
      code: 'not_enrolled',
      message: 'The setup expired. Start again.',
    });
    const again = await after.json('POST', '/mfa/me/totp/setup', { as: 'sam' });
    const confirmed = await after.json('POST', '/mfa/me/totp/confirm', {
      as: 'sam',
      body: { code: await after.code(again.body.secret) },
    });
    expect(confirmed.status).toBe(200);
  });

  it('rotateKeys counts, and leaves alone, factors that no configured key opens', async () => {
    const h = start(A);
    await h.enroll('ada');
    await h.enroll('max');
    // max's secret as a store restored from another deployment would hold it: under key C.
    const foreign = await new SecretBox([C]).seal('JBSWY3DPEHPK3PXP', 'max');
    const db = new Database(folder.file());
    db.prepare('update mfa_totp_factors set secret = ? where user_id = ?').run(foreign, 'max');
    db.close();
    const rotated = start([B, A], h.clock.now);
    expect(await rotated.mfa.rotateKeys()).toMatchObject({ factorsResealed: 1, factorsUnreadable: 1 });
    expect(factorSecret('max')).toBe(foreign);
    expect(keyIdOf(factorSecret('ada'))).toBe(await keyId(B));
  });

  it('refuses at start-up a key that did not write the store: MfaConfigError, and 503 for every request', async () => {
    const before = start(A);
    const { secret } = await before.enroll('ada');
    const now = before.clock.now;
    await before.mfa.close();
    const rows = () =>
      raw<{ n: number }>(
        `select (select count(*) from mfa_totp_factors) + (select count(*) from mfa_pending_totp)
          + (select count(*) from mfa_recovery_codes) + (select count(*) from mfa_policies)
          + (select count(*) from mfa_audit) + (select count(*) from mfa_verified_sessions)
          + (select count(*) from mfa_attempts) as n`,
      )[0]?.n;
    const rowsBefore = rows();
    const checkBefore = keyCheck();

    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const wrong = start(C, now);
    const failure = await wrong.mfa.ready().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MfaConfigError);
    expect((failure as Error).message).toMatch(/none of the configured keys/);
    expect((failure as Error).message).toContain(await keyId(A));
    // Said once in the log, whatever the host does with the rejection.
    expect(errors.mock.calls.filter(([m]) => String(m).includes('none of the configured keys'))).toHaveLength(
      1,
    );
    // It stays refused: the configuration does not change without a restart.
    await expect(wrong.mfa.ready()).rejects.toBeInstanceOf(MfaConfigError);

    for (const route of routes) {
      const answer = await wrong.json(route.method, pathOf(route), {
        as: 'ada',
        ...(route.body
          ? { body: route.path.endsWith('challenge') ? { code: await wrong.code(secret) } : {} }
          : {}),
      });
      expect(answer.status, `${route.method} ${route.path}`).toBe(503);
      expect(answer.body.error.code).toBe('unavailable');
    }
    const area = await wrong.json('GET', '/accounts/acme/area', { as: 'ada' });
    expect(area.status).toBe(503);
    expect(area.body.error.code).toBe('unavailable');
    const principal = { userId: 'ada', sessionId: 'ada-s1', authMethod: 'password' as const };
    expect(await wrong.mfa.evaluate({ principal, accountId: 'acme' })).toEqual({
      allow: false,
      reason: 'unavailable',
    });
    await expect(wrong.mfa.resetUser('ada')).rejects.toBeInstanceOf(MfaConfigError);
    // Nothing was written under the wrong key, and the check is untouched.
    expect(rows()).toBe(rowsBefore);
    expect(keyCheck()).toBe(checkBefore);
    // No request was answered 500 or logged as unexpected.
    expect(errors.mock.calls.filter(([m]) => String(m).includes('unexpected error'))).toEqual([]);

    // The right key still opens it.
    const right = start([C, A], now);
    await expect(right.mfa.ready()).resolves.toBeUndefined();
  });

  it('refuses to go back to [A] once a start with [B, A] moved the check to B', async () => {
    await start(A).mfa.ready();
    await start([B, A]).mfa.ready();
    expect(keyIdOf(keyCheck())).toBe(await keyId(B));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(start(A).mfa.ready()).rejects.toBeInstanceOf(MfaConfigError);
    await expect(start([A, B]).mfa.ready()).resolves.toBeUndefined();
  });

  it('refuses a key check that was tampered with', async () => {
    await start(A).mfa.ready();
    const sealed = keyCheck() as string;
    // A character inside the ciphertext (the last one may carry only padding bits).
    const i = sealed.length - 5;
    const flipped = `${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`;
    const db = new Database(folder.file());
    db.prepare('update mfa_meta set value = ? where key = ?').run(flipped, KEY_CHECK_META);
    db.close();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(start(A).mfa.ready()).rejects.toBeInstanceOf(MfaConfigError);
  });

  it('lets exactly one of two instances first started at once with different keys write the check', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    // Two instances on one store object: two connections of one process cannot race on a
    // new file (better-sqlite3 waits for its lock synchronously, so they would deadlock).
    const store = sqliteStore({ filename: folder.file() });
    const instance = (secret: string) => {
      const h = createHarness({ store, secret });
      open.push(h);
      return h;
    };
    const results = await Promise.allSettled([instance(A).mfa.ready(), instance(C).mfa.ready()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(MfaConfigError);
    const winner = results[0]?.status === 'fulfilled' ? A : C;
    expect(keyIdOf(keyCheck())).toBe(await keyId(winner));
    // With the same key, any number of them start.
    const same = await Promise.allSettled([1, 2, 3].map(() => instance(winner).mfa.ready()));
    expect(same.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });
});

describe('the key check when the store fails at start-up', () => {
  it('rejects with the store error, answers 503 meanwhile, and tries again once the store is back', async () => {
    const faulty = faultyStore(memoryStore());
    const h = createHarness({ store: faulty.store });
    faulty.arm({ mode: 'throw', method: 'getMeta' });
    await expect(h.mfa.ready()).rejects.toThrow(/injected fault/);
    const during = await h.json('GET', '/mfa/me', { as: 'ada' });
    expect(during.status).toBe(503);
    expect(during.body.error.code).toBe('unavailable');

    faulty.disarm();
    await expect(h.mfa.ready()).resolves.toBeUndefined();
    expect((await h.json('GET', '/mfa/me', { as: 'ada' })).status).toBe(200);
  });

  it('answers requests within timeoutMs while the store hangs at start-up', async () => {
    const faulty = faultyStore(memoryStore());
    const h = createHarness({ store: faulty.store, timeoutMs: 150 });
    faulty.arm({ mode: 'hang', method: 'getMeta' });
    const started = performance.now();
    const answer = await h.json('GET', '/mfa/me', { as: 'ada' });
    expect(answer.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1500);
    const area = await h.json('GET', '/accounts/acme/area', { as: 'ada' });
    expect(area.status).toBe(503);
  });

  it('checks once: later requests do not read the key check again', async () => {
    const faulty = faultyStore(memoryStore());
    const h = createHarness({ store: faulty.store });
    await h.mfa.ready();
    faulty.record();
    for (let i = 0; i < 3; i++) expect((await h.json('GET', '/mfa/me', { as: 'ada' })).status).toBe(200);
    expect(faulty.calls.filter((c) => c === 'getMeta' || c === 'putMeta')).toEqual([]);
  });
});
