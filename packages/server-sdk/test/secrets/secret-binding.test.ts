/**
 * A sealed secret belongs to one user. Someone who can write to the database but
 * holds no key (a support tool, an injected query, a restored backup) could
 * otherwise copy the sealed secret of an authenticator they control onto another
 * user's row, and then verify as that user with their own phone. The user id is
 * bound into the seal as associated data: a moved secret does not open, and
 * nothing is verified. Databases sealed before the binding keep working, and
 * their secrets are sealed again, bound, on first use.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY_CHECK_META } from '../../src/crypto/key-check.ts';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import {
  createHarness,
  expectError,
  type Harness,
  SECRET,
  sessionVerified,
  storeFactories,
  T0,
  tempFolder,
} from '../support.ts';
import { BEFORE_PRUNING, migrateOnly, sealV1 } from '../upgrade.ts';

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  let h: Harness;
  afterEach(async () => {
    await h.mfa.close();
  });

  it("a secret copied onto another user's row opens for nobody: no verification, 503", async () => {
    h = createHarness({ store: makeStore() });
    const attacker = await h.enroll('ada'); // the attacker's own phone
    await h.enroll('max');
    const adaSealed = (await h.store.getTotpFactor('ada'))?.secret as string;
    const maxSealed = (await h.store.getTotpFactor('max'))?.secret as string;
    expect(await h.store.updateTotpSecret('max', adaSealed, maxSealed)).toBe(true);
    const res = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-attacker',
      body: { code: await h.code(attacker.secret) },
    });
    expectError(res, 'unavailable');
    expect(await sessionVerified(h, 'max', 'max-attacker')).toBe(false);
    // Nor is it counted as max's failure.
    expect((await h.store.getAttempts('max')).failures).toBe(0);
  });

  it('rotateKeys re-seals secrets of the first format, bound to their user', async () => {
    h = createHarness({ store: makeStore() });
    const { secret } = await h.enroll('max');
    const current = (await h.store.getTotpFactor('max'))?.secret as string;
    await h.store.updateTotpSecret('max', await sealV1(SECRET, secret), current);
    expect(await h.mfa.rotateKeys()).toMatchObject({ factorsResealed: 1, factorsUnreadable: 0 });
    const resealed = (await h.store.getTotpFactor('max'))?.secret as string;
    expect(resealed.startsWith('v2.')).toBe(true);
    expect((await new SecretBox([SECRET]).open(resealed, 'max')).plaintext).toBe(secret);
  });
});

describe('an SQLite database sealed before secrets were bound to their user', () => {
  let folder: ReturnType<typeof tempFolder>;
  afterEach(() => folder.cleanup());

  it('still verifies its users, seals their secrets again bound to them, and keeps failure counts', async () => {
    folder = tempFolder();
    const filename = folder.file();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(filename) }) });
    await migrateOnly(old, 'sqlite', BEFORE_PRUNING);
    const sealed = await sealV1(SECRET, secret);
    await sql`insert into mfa_meta (key, value) values (${KEY_CHECK_META}, ${await sealV1(SECRET, 'mfakit key check v1')})`.execute(
      old,
    );
    await sql`insert into mfa_totp_factors (user_id, secret, last_used_step, created_at)
      values ('max', ${sealed}, null, ${T0.getTime()})`.execute(old);
    await sql`insert into mfa_attempts (user_id, failures, locked_until) values ('max', 2, null)`.execute(
      old,
    );
    await old.destroy();

    const h = createHarness({ store: sqliteStore({ filename }) });
    await h.mfa.ready();
    expect((await h.store.getAttempts('max')).failures).toBe(2);
    const res = await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: await h.code(secret) } });
    expect(res.status).toBe(200);
    const resealed = (await h.store.getTotpFactor('max'))?.secret as string;
    expect(resealed.startsWith('v2.')).toBe(true);
    expect((await new SecretBox([SECRET]).open(resealed, 'max')).plaintext).toBe(secret);
    await h.mfa.close();
  });
});
