/**
 * Timing side channels. A comparison that stops at the first differing character
 * answers a wrong guess a little faster the fewer characters it got right, and an
 * attacker who can measure that finds a secret one character at a time instead of
 * guessing it whole. mfakit never compares a secret with what a user typed in its
 * own code. A TOTP code is judged by otplib's `verifySync`, which generates the code
 * of each accepted step and compares it through its crypto plugin's
 * `constantTimeEqual` (@otplib/plugin-crypto-node: `node:crypto`'s timingSafeEqual). A recovery code is
 * turned into its HMAC-SHA-256 under each configured key, and the store looks up
 * those keyed hashes: whatever a lookup's timing reveals is about an HMAC the
 * attacker cannot compute without the key, never about the code. The typed code
 * itself never reaches the store.
 */
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { normalizeRecoveryCode } from '../../src/factors/recovery-codes/recovery-codes.ts';
import { memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import type { AttemptInput } from '../../src/store/store.ts';
import { createHarness, type FaultyStore, faultyStore, type Harness, SECRET, wrongCode } from '../support.ts';

const OTHER_SECRET = 'another-secret-of-at-least-32-bytes!!';

/**
 * What a logged `settleAttempt` call gave the store: the user, and the proof's hashes, or the
 * step its judge answers on `sealedSecret` (an app code reaches the store only as that judge).
 */
function attemptOf(entry: { args: unknown[] } | undefined, sealedSecret = '') {
  const input = entry?.args[0] as AttemptInput | undefined;
  const proof = input?.proof;
  return {
    userId: input?.userId,
    hashes: proof?.kind === 'recovery' ? [...proof.hashes] : [],
    step: proof?.kind === 'totp' ? proof.match(sealedSecret) : undefined,
  };
}

describe('TOTP codes', () => {
  let h: Harness;
  let secret: string;
  beforeEach(async () => {
    h = createHarness();
    ({ secret } = await h.enroll('max'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const challenge = (code: string, session = 'max-s2') =>
    h.json('POST', '/mfa/challenge', { as: 'max', session, body: { code } });

  it("are compared with each accepted step's code through otplib's constantTimeEqual", async () => {
    const compare = vi.spyOn(NodeCryptoPlugin.prototype, 'constantTimeEqual');
    const wrong = await wrongCode(h, secret);
    expect((await challenge(wrong)).status).toBe(400);
    // Previous, current and next step: each generated code against the typed one.
    const at = h.clock.now.getTime();
    const expected = await Promise.all([-30_000, 0, 30_000].map((d) => h.code(secret, new Date(at + d))));
    expect(compare.mock.calls).toEqual(expected.map((generated) => [generated, wrong]));
  });

  it('are accepted or refused by that comparison alone: no other path compares them', async () => {
    const compare = vi.spyOn(NodeCryptoPlugin.prototype, 'constantTimeEqual');
    // Forced false, the right code is refused...
    compare.mockReturnValue(false);
    const right = await challenge(await h.code(secret));
    expect(right.status).toBe(400);
    expect(right.body.error.code).toBe('invalid_code');
    // ...and forced true, a wrong one passes: the comparison is the only judge. (Two steps
    // later, so that the first step it matches is not the one the enrollment used.)
    h.advance(60);
    compare.mockReturnValue(true);
    expect((await challenge(await wrongCode(h, secret), 'max-s3')).status).toBe(200);
  });
});

describe.each([
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ filename: ':memory:' })],
] as const)('recovery codes on the %s store', (_name, makeStore) => {
  let spy: FaultyStore;
  let h: Harness;
  afterEach(async () => {
    await h.mfa.close();
  });

  function setUp(secret: string | string[] = SECRET) {
    spy = faultyStore(makeStore());
    h = createHarness({ store: spy.store, secret });
  }

  /** Every argument of every store call since `record`, as text. */
  const storeArguments = () => JSON.stringify(spy.log.map((entry) => entry.args));

  it.each([
    ['as issued', (c: string) => c],
    ['in capitals with spaces', (c: string) => ` ${c.toUpperCase().replace('-', ' ')} `],
    ['without the dash', (c: string) => c.replace('-', '')],
  ])(
    'are looked up by their keyed hash, typed %s; the code never reaches the store',
    async (_label, typed) => {
      setUp();
      const { recoveryCodes } = await h.enroll('max');
      const code = recoveryCodes[2] as string;
      spy.record();
      const answer = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s2',
        body: { recoveryCode: typed(code) },
      });
      expect(answer.status).toBe(200);

      const lookups = spy.log.filter((entry) => entry.method === 'settleAttempt');
      expect(lookups).toHaveLength(1);
      const { userId, hashes } = attemptOf(lookups[0]);
      expect(userId).toBe('max');
      expect(hashes).toEqual(await new SecretBox([SECRET]).hashes(normalizeRecoveryCode(code)));
      for (const hash of hashes) expect(hash).toMatch(/^[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/);
      const text = storeArguments().toLowerCase();
      for (const form of [code, normalizeRecoveryCode(code)]) expect(text).not.toContain(form);
    },
  );

  it('are looked up under every configured key during a rotation, still only as hashes', async () => {
    setUp();
    const { recoveryCodes } = await h.enroll('max');
    // A second instance on the same store, with a new key first.
    const rotated = createHarness({ store: spy.store, secret: [OTHER_SECRET, SECRET] });
    rotated.clock.now = h.clock.now;
    spy.record();
    const code = recoveryCodes[0] as string;
    const answer = await rotated.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-s2',
      body: { recoveryCode: code },
    });
    expect(answer.status).toBe(200);
    const { hashes } = attemptOf(spy.log.find((entry) => entry.method === 'settleAttempt'));
    expect(hashes).toEqual(await new SecretBox([OTHER_SECRET, SECRET]).hashes(normalizeRecoveryCode(code)));
    expect(hashes).toHaveLength(2);
    expect(storeArguments()).not.toContain(normalizeRecoveryCode(code));
  });

  it('a wrong code is hashed and looked up the same way, and never compared in the clear', async () => {
    setUp();
    await h.enroll('max');
    spy.record();
    const guess = 'abcde-fghij';
    const answer = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-s2',
      body: { recoveryCode: guess },
    });
    expect(answer.body.error.code).toBe('invalid_code');
    const { hashes } = attemptOf(spy.log.find((entry) => entry.method === 'settleAttempt'));
    expect(hashes).toEqual(await new SecretBox([SECRET]).hashes('abcdefghij'));
    expect(storeArguments()).not.toContain('abcdefghij');
  });

  it('a typed TOTP code never reaches the store either: only a judge of it, answering its time step', async () => {
    setUp();
    const { secret } = await h.enroll('max');
    spy.record();
    const code = await h.code(secret);
    expect(
      (await h.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s2', body: { code } })).status,
    ).toBe(200);
    const sealed = (await h.store.getTotpFactor('max'))?.secret;
    const { userId, step } = attemptOf(
      spy.log.find((entry) => entry.method === 'settleAttempt'),
      sealed,
    );
    expect([userId, step]).toEqual(['max', Math.floor(h.clock.now.getTime() / 30_000)]);
    expect(storeArguments()).not.toContain(`"${code}"`);
  });
});
