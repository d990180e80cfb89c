/**
 * A locked user is refused before anything is judged. While the back-off holds,
 * a request must cost the attacker a refusal and the server nothing: no sealed
 * secret opened, no code computed (work an attacker could otherwise buy for free
 * at any rate, and a timing channel on the secret). The lock is checked first; the
 * settling transaction checks it again for attempts that raced past.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { createHarness, expectError, storeFactories, wrongCode } from '../support.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  it('a challenge of a locked user opens no secret', async () => {
    const h = createHarness({ store: makeStore() });
    const { secret } = await h.enroll('max');
    for (let i = 0; i < 5; i++) {
      const res = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        body: { code: await wrongCode(h, secret) },
      });
      expectError(res, 'invalid_code');
    }
    const open = vi.spyOn(SecretBox.prototype, 'open');
    const hashes = vi.spyOn(SecretBox.prototype, 'hashes');
    const locked = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      body: { code: await h.code(secret) },
    });
    expect(expectError(locked, 'too_many_attempts').retryAfterSeconds).toBe(30);
    const recovery = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      body: { recoveryCode: 'abcde-fghij' },
    });
    expectError(recovery, 'too_many_attempts');
    expect(open).not.toHaveBeenCalled();
    expect(hashes).not.toHaveBeenCalled();
    // Once the lock has passed, the right code is judged and verifies.
    h.advance(31);
    const after = await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: await h.code(secret) } });
    expect(after.status).toBe(200);
    expect(open).toHaveBeenCalledTimes(1);
    await h.mfa.close();
  });

  it("a setup's confirmation by a locked user opens no secret", async () => {
    const h = createHarness({ store: makeStore() });
    const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
    for (let i = 0; i < 5; i++) {
      const res = await h.json('POST', '/mfa/me/totp/confirm', {
        as: 'max',
        body: { code: await wrongCode(h, setup.body.secret) },
      });
      expectError(res, 'invalid_code');
    }
    const open = vi.spyOn(SecretBox.prototype, 'open');
    const locked = await h.json('POST', '/mfa/me/totp/confirm', {
      as: 'max',
      body: { code: await h.code(setup.body.secret) },
    });
    expectError(locked, 'too_many_attempts');
    expect(open).not.toHaveBeenCalled();
    expect(await h.store.getTotpFactor('max')).toBeNull();
    await h.mfa.close();
  });
});
