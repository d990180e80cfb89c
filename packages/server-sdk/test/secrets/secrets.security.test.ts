/**
 * Whoever reads the database (a leaked backup, a stolen disk, an SQL injection in
 * the host) or a response (a log, a proxy, a careless client) must not learn a
 * second factor. TOTP secrets are sealed with AES-256-GCM under a key derived with
 * HKDF from the configured `secret`, the key id beside the ciphertext so keys can
 * rotate; recovery codes are stored only as HMAC-SHA-256 hashes under another
 * derived key, so neither a copy of the data without the `secret` nor a guess at
 * a hash gives a factor away. The one response that carries a TOTP secret is the
 * setup that shows it to its owner; recovery codes appear only in the answers
 * that issue them. A missing or wrong `secret` fails closed: at start-up, or as
 * `unavailable`, never as a verification.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { createMfa, MfaConfigError, type MfaStore, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, type Harness, SECRET, storeFactories } from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { ORIGIN } from '../webauthn/passkeys.ts';

const OTHER_SECRET = 'another-secret-of-at-least-32-bytes!!';
const utf8 = new TextEncoder();

const base64Url = (bytes: ArrayBuffer | Uint8Array) =>
  Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url');

/** RFC 4648 base32 to bytes. */
function fromBase32(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/**
 * The keys of the at-rest format, derived here independently of the SDK. The
 * format is pinned on purpose: changing the derivation would make every stored
 * secret unreadable.
 */
async function derivedKeys(secret: string) {
  const material = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ]);
  const hkdf = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: utf8.encode('mfakit/v1'),
    info: utf8.encode(info),
  });
  const idBits = await crypto.subtle.deriveBits(hkdf('mfakit/key-id'), material, 48);
  const aes = await crypto.subtle.deriveKey(
    hkdf('mfakit/aes-256-gcm'),
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
  const hmac = await crypto.subtle.deriveKey(
    hkdf('mfakit/hmac-sha-256'),
    material,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign'],
  );
  return { id: Buffer.from(idBits).toString('hex'), aes, hmac };
}

const normalized = (code: string) => code.replace(/-/g, '');

describe('secrets at rest in an SQLite file', () => {
  let folder: string;
  let filename: string;
  const open: Harness[] = [];
  const harness = (secret: string | string[] = SECRET) => {
    const h = createHarness({ store: sqliteStore({ filename }), secret });
    open.push(h);
    return h;
  };

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'mfakit-secrets-'));
    filename = join(folder, 'mfa.db');
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Every byte of the database: the file, its WAL and shared memory. */
  function databaseBytes(): Buffer {
    const files = readdirSync(folder).filter((f) => f.startsWith('mfa.db'));
    expect(files).toContain('mfa.db');
    return Buffer.concat(files.map((f) => readFileSync(join(folder, f))));
  }

  function expectAbsent(bytes: Buffer, needles: (string | Uint8Array)[]) {
    for (const needle of needles) {
      const found = bytes.indexOf(typeof needle === 'string' ? Buffer.from(needle) : Buffer.from(needle));
      expect(found, `found ${typeof needle === 'string' ? needle : 'secret bytes'} in the database`).toBe(-1);
    }
  }

  it('holds no TOTP secret and no recovery code, in the file or its WAL', async () => {
    const h = harness();
    const ada = await h.enroll('ada');
    const max = await h.enroll('max');
    const regenerated = await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' });
    expect(regenerated.status).toBe(200);
    const pending = await h.json('POST', '/mfa/me/totp/setup', { as: 'sam' });
    expect(pending.status).toBe(200);

    const secrets = [ada.secret, max.secret, pending.body.secret];
    const codes = [...ada.recoveryCodes, ...max.recoveryCodes, ...regenerated.body.recoveryCodes];
    const needles = [
      ...secrets,
      ...secrets.map((s) => s.toLowerCase()),
      ...secrets.map(fromBase32),
      ...codes,
      ...codes.map(normalized),
    ];
    // While the store is open, recent writes sit in the WAL; after closing, in the file.
    expectAbsent(databaseBytes(), needles);
    await h.mfa.close();
    expectAbsent(databaseBytes(), needles);
  });

  it('seals factor secrets as v2.<key id>. AES-256-GCM under the HKDF key of `secret`, bound to the user', async () => {
    const h = harness();
    const { secret } = await h.enroll('ada');
    const keys = await derivedKeys(SECRET);
    const sealed = (await h.store.getTotpFactor('ada'))?.secret ?? '';
    expect(sealed.startsWith(`v2.${keys.id}.`)).toBe(true);
    const [, keyId, iv, ciphertext] = sealed.split('.') as [string, string, string, string];
    expect(Buffer.from(iv, 'base64url')).toHaveLength(12);
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: Buffer.from(iv, 'base64url'), additionalData: utf8.encode(`${keyId}\u0000ada`) },
      keys.aes,
      Buffer.from(ciphertext, 'base64url'),
    );
    expect(new TextDecoder().decode(plaintext)).toBe(secret);
    // A fresh IV each time: the same secret never seals to the same text.
    const box = new SecretBox([SECRET]);
    expect(await box.seal(secret, 'ada')).not.toBe(await box.seal(secret, 'ada'));
  });

  it('stores recovery codes only as HMAC-SHA-256 hashes keyed by `secret`', async () => {
    const h = harness();
    const { recoveryCodes } = await h.enroll('ada');
    const db = new Database(filename, { readonly: true });
    const stored = (
      db.prepare('select code_hash from mfa_recovery_codes where user_id = ?').all('ada') as {
        code_hash: string;
      }[]
    ).map((row) => row.code_hash);
    db.close();
    expect(stored).toHaveLength(10);

    const keys = await derivedKeys(SECRET);
    const expected = await Promise.all(
      recoveryCodes.map(async (code) => {
        const mac = await crypto.subtle.sign('HMAC', keys.hmac, utf8.encode(normalized(code)));
        return `${keys.id}.${base64Url(mac)}`;
      }),
    );
    expect(new Set(stored)).toEqual(new Set(expected));

    // Keyed: the same code hashes differently under another secret, so a guess
    // at a hash needs the secret, and that secret's hashes do not match.
    const other = new SecretBox([OTHER_SECRET]);
    for (const code of recoveryCodes) {
      expect(stored).not.toContain(await other.hash(normalized(code)));
      const unkeyed = await crypto.subtle.digest('SHA-256', utf8.encode(normalized(code)));
      expect(stored.join()).not.toContain(base64Url(unkeyed));
      expect(stored.join()).not.toContain(Buffer.from(unkeyed).toString('hex'));
    }
    await h.mfa.close();
    const wrongKey = harness(OTHER_SECRET);
    const refused = await wrongKey.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { recoveryCode: recoveryCodes[0] },
    });
    // The start-up key check refuses the other secret before any code is judged.
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
  });

  it('still verifies codes after a restart on the same file and secret', async () => {
    const before = harness();
    const { secret, recoveryCodes } = await before.enroll('ada');
    const now = before.clock.now;
    await before.mfa.close();

    const after = harness();
    after.clock.now = now;
    const totp = await after.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { code: await after.code(secret) },
    });
    expect(totp.status).toBe(200);
    const recovery = await after.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s3',
      body: { recoveryCode: recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
  });

  it('fails closed under a different secret: 503 unavailable, never a 500 or a verification', async () => {
    const before = harness();
    const { secret } = await before.enroll('ada');
    const now = before.clock.now;
    await before.mfa.close();

    const wrongKey = harness(OTHER_SECRET);
    wrongKey.clock.now = now;
    const answer = await wrongKey.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { code: await wrongKey.code(secret) },
    });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    // The start-up key check fails, so every request is refused, the guard's too.
    const me = await wrongKey.json('GET', '/mfa/me', { as: 'ada', session: 'ada-s2' });
    expect(me.status).toBe(503);
    expect(me.body.error.code).toBe('unavailable');
    const area = await wrongKey.json('GET', '/accounts/acme/area', { as: 'ada', session: 'ada-s2' });
    expect(area.status).toBe(503);
    expect(area.body.error.code).toBe('unavailable');
  });

  it('rotates keys: a list with the old secret second opens old secrets and reseals them under the new', async () => {
    const before = harness();
    const { secret, recoveryCodes } = await before.enroll('ada');
    const now = before.clock.now;
    await before.mfa.close();

    const rotated = harness([OTHER_SECRET, SECRET]);
    rotated.clock.now = now;
    const answer = await rotated.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { code: await rotated.code(secret) },
    });
    expect(answer.status).toBe(200);
    const { id: newKeyId } = await derivedKeys(OTHER_SECRET);
    expect((await rotated.store.getTotpFactor('ada'))?.secret.startsWith(`v2.${newKeyId}.`)).toBe(true);
    const recovery = await rotated.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s3',
      body: { recoveryCode: recoveryCodes[0] },
    });
    expect(recovery.status).toBe(200);
  });
});

describe.each(storeFactories)('secrets through the API on the %s store', (_name, makeStore) => {
  let h: Harness;
  let store: MfaStore;
  beforeEach(() => {
    store = makeStore();
    h = createHarness({ store });
  });
  afterEach(async () => {
    await h.mfa.close();
  });

  it('issues ten distinct single-use recovery codes of 50 bits', async () => {
    const { recoveryCodes } = await h.enroll('ada');
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // 10 characters of base32: 50 bits.
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const use = (session: string) =>
      h.json('POST', '/mfa/challenge', { as: 'ada', session, body: { recoveryCode: recoveryCodes[3] } });
    expect((await use('ada-s2')).status).toBe(200);
    const again = await use('ada-s3');
    expect(again.body.error.code).toBe('invalid_code');
    expect((await h.json('GET', '/mfa/me', { as: 'ada' })).body.recoveryCodesRemaining).toBe(9);
  });

  it('answers 503 unavailable, never a 500 or a verification, when a stored secret was tampered with', async () => {
    const { secret } = await h.enroll('ada');
    const sealed = (await store.getTotpFactor('ada'))?.secret ?? '';
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    await store.updateTotpSecret('ada', `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`, sealed);
    const answer = await h.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { code: await h.code(secret) },
    });
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('unavailable');
    expect((await h.json('GET', '/mfa/me', { as: 'ada', session: 'ada-s2' })).body.session.verified).toBe(
      false,
    );
  });

  it('leaks no secret, sealed secret or hash in any response; the TOTP secret only in its setup', async () => {
    const box = new SecretBox([SECRET]);
    const totpSecrets = new Map<string, string>(); // secret → the setup response allowed to carry it
    const issuedCodes = new Map<string, string>(); // recovery code → the response that issued it
    const answers: { label: string; text: string }[] = [];

    const call = async (
      label: string,
      method: string,
      path: string,
      options: Parameters<Harness['json']>[2],
    ) => {
      const res = await h.request(method, path, options);
      const text = await res.text();
      expect(res.status, `${label}: ${text}`).toBeLessThan(500);
      answers.push({ label, text });
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const enroll = async (user: string) => {
      const label = `setup ${user}`;
      const setup = await call(label, 'POST', '/mfa/me/totp/setup', { as: user });
      totpSecrets.set(setup.body.secret, label);
      const confirmLabel = `confirm ${user}`;
      const confirm = await call(confirmLabel, 'POST', '/mfa/me/totp/confirm', {
        as: user,
        body: { code: await h.code(setup.body.secret) },
      });
      expect(confirm.status).toBe(200);
      for (const code of confirm.body.recoveryCodes) issuedCodes.set(code, confirmLabel);
      h.advance(30);
      // The new app's code is no step-up: the session verifies with it, as for what follows.
      const verified = await call(`verify ${user}`, 'POST', '/mfa/challenge', {
        as: user,
        body: { code: await h.code(setup.body.secret) },
      });
      expect(verified.status).toBe(200);
      h.advance(30);
      return setup.body.secret as string;
    };

    const adaSecret = await enroll('ada');
    await enroll('max');
    await enroll('sam');
    await enroll('cleo');

    // Every endpoint, in success and in error, as an administrator, a member and others.
    await call('openapi', 'GET', '/mfa/openapi.json', {});
    for (const as of ['ada', 'max', 'sam']) {
      await call(`me ${as}`, 'GET', '/mfa/me', { as });
      await call(`policy ${as}`, 'GET', '/mfa/accounts/acme/policy', { as });
      await call(`access ${as}`, 'GET', '/mfa/accounts/acme/access', { as });
      await call(`area ${as}`, 'GET', '/accounts/acme/area', { as });
    }
    await call('put policy', 'PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_admins', version: 0 },
    });
    await call('version conflict', 'PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      body: { mode: 'required_all', version: 0 },
    });
    await call('members', 'GET', '/mfa/accounts/acme/members', { as: 'ada' });
    await call('members not admin', 'GET', '/mfa/accounts/acme/members', { as: 'max' });
    await call('not member', 'GET', '/mfa/accounts/contoso/policy', { as: 'ada' });
    await call('unauthenticated', 'GET', '/mfa/me', {});
    await call('wrong code', 'POST', '/mfa/challenge', { as: 'ada', body: { code: '000000' } });
    await call('wrong recovery code', 'POST', '/mfa/challenge', {
      as: 'ada',
      body: { recoveryCode: 'aaaaa-aaaaa' },
    });
    await call('invalid request', 'POST', '/mfa/challenge', { as: 'ada', body: { code: 'x' } });
    const code = await h.code(adaSecret);
    await call('challenge', 'POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
    await call('replay', 'POST', '/mfa/challenge', { as: 'ada', session: 'ada-s3', body: { code } });
    const firstCode = [...issuedCodes].find(([, label]) => label === 'confirm ada')?.[0];
    await call('recovery code', 'POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s4',
      body: { recoveryCode: firstCode },
    });
    const regenerated = await call('regenerate', 'POST', '/mfa/me/recovery-codes', { as: 'ada' });
    for (const c of regenerated.body.recoveryCodes) issuedCodes.set(c, 'regenerate');
    await call('confirm without setup', 'POST', '/mfa/me/totp/confirm', {
      as: 'ada',
      body: { code: '000000' },
    });
    const resetup = await call('setup again ada', 'POST', '/mfa/me/totp/setup', { as: 'ada' });
    totpSecrets.set(resetup.body.secret, 'setup again ada');
    await call('confirm wrong', 'POST', '/mfa/me/totp/confirm', { as: 'ada', body: { code: '000000' } });
    await call('shared member', 'DELETE', '/mfa/accounts/acme/members/sam/mfa', { as: 'ada' });
    await call('remove sam', 'DELETE', '/mfa/me/totp', { as: 'sam' });
    await call('mfa required', 'DELETE', '/mfa/me/totp', { as: 'ada' });
    await call('audit', 'GET', '/mfa/accounts/acme/audit', { as: 'ada' });
    await call('audit contoso', 'GET', '/mfa/accounts/contoso/audit', { as: 'cleo' });
    await call('reset max', 'DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
    await call('audit after reset', 'GET', '/mfa/accounts/acme/audit', { as: 'ada' });
    await call('me after reset', 'GET', '/mfa/me', { as: 'max' });
    for (let i = 0; i < 6; i++)
      await call(`locked ${i}`, 'POST', '/mfa/challenge', { as: 'cleo', body: { code: '000000' } });
    // Olga's passkey: its public key never leaves the store.
    const key = softwareAuthenticator();
    const begun = await call('passkey options', 'POST', '/mfa/me/webauthn/registration', { as: 'olga' });
    const response = key.register(begun.body.options, { origin: ORIGIN });
    const added = await call('passkey added', 'POST', '/mfa/me/webauthn/credentials', {
      as: 'olga',
      body: { response },
    });
    for (const c of added.body.recoveryCodes) issuedCodes.set(c, 'passkey added');
    const asked = await call('passkey challenge', 'POST', '/mfa/challenge/webauthn', {
      as: 'olga',
      session: 'olga-s2',
    });
    await call('passkey verified', 'POST', '/mfa/challenge', {
      as: 'olga',
      session: 'olga-s2',
      body: { webauthn: key.authenticate(asked.body.options, { origin: ORIGIN }) },
    });
    await call('me olga', 'GET', '/mfa/me', { as: 'olga' });
    await call('passkey renamed', 'PATCH', `/mfa/me/webauthn/credentials/${response.id}`, {
      as: 'olga',
      body: { name: 'Key' },
    });
    const publicKey = (await store.getWebAuthnCredential('olga', response.id))?.publicKey ?? '';
    expect(publicKey.length).toBeGreaterThan(40);
    await call('passkey removed', 'DELETE', `/mfa/me/webauthn/credentials/${response.id}`, { as: 'olga' });
    const labels = new Set(answers.map((a) => a.label));
    expect(labels.size).toBe(answers.length);

    // What must never appear: sealed secrets (whole or their ciphertext), hashes, and
    // each TOTP secret or recovery code outside the one answer that hands it out.
    const sealed = [
      ...(await Promise.all(
        ['ada', 'max', 'sam', 'cleo'].map(async (u) => (await store.getTotpFactor(u))?.secret ?? ''),
      )),
      (await store.getPendingTotp('ada'))?.secret ?? '',
    ];
    expect(sealed.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    const forbidden: { needle: string; except?: string }[] = [
      ...sealed.filter(Boolean).flatMap((s) => [{ needle: s }, { needle: s.split('.')[3] ?? s }]),
      ...[...issuedCodes.keys()].map((c) => ({ needle: normalized(c) })),
    ];
    for (const c of issuedCodes.keys()) {
      const hash = await box.hash(normalized(c));
      forbidden.push({ needle: hash }, { needle: hash.split('.')[1] ?? hash });
    }
    forbidden.push({ needle: publicKey }, { needle: publicKey.slice(10, 50) });
    for (const [secret, label] of totpSecrets) forbidden.push({ needle: secret, except: label });
    for (const [c, label] of issuedCodes) forbidden.push({ needle: c, except: label });
    const eventsText = JSON.stringify(h.events);
    for (const { needle, except } of forbidden) {
      for (const { label, text } of answers) {
        if (label !== except) expect(text.includes(needle), `${label} leaks ${needle}`).toBe(false);
      }
      expect(eventsText.includes(needle), `an audit event leaks ${needle}`).toBe(false);
    }
  });
});

describe('the `secret` option', () => {
  const options = (secret: unknown) => ({
    store: memoryStore(),
    secret: secret as string,
    issuer: 'Acme Portal',
    authenticate: () => null,
    getMembership: () => null,
    listMemberships: () => [],
    listMembers: () => [],
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['31 bytes', 'x'.repeat(31)],
    ['an empty list', []],
    ['a list with a short one', [SECRET, 'short']],
    ['not a string', 42],
    ['bytes instead of a string', new TextEncoder().encode(SECRET)],
  ])('is refused at start-up with MfaConfigError when %s', (_label, secret) => {
    expect(() => createMfa(options(secret))).toThrow(MfaConfigError);
  });

  it('is accepted from 32 bytes, or as a list of such for rotation', () => {
    expect(() => createMfa(options('x'.repeat(32)))).not.toThrow();
    expect(() => createMfa(options([OTHER_SECRET, SECRET]))).not.toThrow();
  });
});
