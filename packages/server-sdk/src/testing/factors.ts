/** The store conformance suite: factors: pending setups, activation, removal, recovery codes. */
import { describe, expect, it } from 'vitest';
import { type ConformanceContext, countTrue, later, STEP, T0, times } from './context.ts';

export function factorsConformance(t: ConformanceContext): void {
  const { id, factor, enroll, consumeStep, consumeCode, codes, fail } = t;
  describe('factors', () => {
    it('getTotpFactor and getEnrollments answer active factors only', async () => {
      expect(await t.store.getTotpFactor(id('ada'))).toBeNull();
      expect(await t.store.getEnrollments([])).toEqual(new Map());

      const ada = await enroll(id('ada'), { lastUsedStep: STEP, createdAt: later(5) });
      const cleo = await enroll(id('cleo'));
      await t.store.putPendingTotp({ userId: id('max'), secret: 'pending', expiresAt: T0 });

      expect(await t.store.getTotpFactor(id('ada'))).toEqual(ada);
      expect(await t.store.getTotpFactor(id('max'))).toBeNull();
      const found = await t.store.getEnrollments([id('ada'), id('max'), id('cleo'), id('nobody')]);
      expect(found).toEqual(
        new Map([
          [ada.userId, { methods: ['totp'], since: ada.createdAt }],
          [cleo.userId, { methods: ['totp'], since: cleo.createdAt }],
        ]),
      );
      expect(await t.store.getEnrollments([id('max')])).toEqual(new Map());
    });

    it('updateTotpSecret replaces the secret only, and creates no factor', async () => {
      const ada = await enroll(id('ada'), { lastUsedStep: STEP });
      expect(await t.store.updateTotpSecret(id('ada'), 'resealed', ada.secret)).toBe(true);
      expect(await t.store.getTotpFactor(id('ada'))).toEqual({ ...ada, secret: 'resealed' });

      expect(await t.store.updateTotpSecret(id('max'), 'resealed', 'anything')).toBe(false);
      expect(await t.store.getTotpFactor(id('max'))).toBeNull();
    });

    it('updateTotpSecret keeps a factor whose secret changed meanwhile (a new enrollment)', async () => {
      const old = await enroll(id('ada'));
      await enroll(id('ada'), { secret: 'new-enrollment' });
      expect(await t.store.updateTotpSecret(id('ada'), 'resealed-old', old.secret)).toBe(false);
      expect((await t.store.getTotpFactor(id('ada')))?.secret).toBe('new-enrollment');
    });

    it('listTotpSecrets pages through every active factor in order, once each', async () => {
      const users = Array.from({ length: 23 }, (_, i) => id(`p${String(i).padStart(2, '0')}`));
      for (const user of [...users].reverse()) await enroll(user, { secret: `sealed-${user}` });
      await t.store.putPendingTotp({ userId: id('pending'), secret: 'p', expiresAt: later(1000) });
      // Other tests' factors may share the store: this test's ids all begin with `t.prefix`.
      const seen: { userId: string; secret: string }[] = [];
      let after: string | null = t.prefix;
      for (let page = 0; page < 10 && after !== null; page++) {
        const found = await t.store.listTotpSecrets(after, 5);
        seen.push(...found.filter((f) => f.userId.startsWith(t.prefix)));
        after =
          found.length === 5 && found.every((f) => f.userId.startsWith(t.prefix))
            ? (found.at(-1)?.userId ?? null)
            : null;
      }
      expect(seen).toEqual(users.map((userId) => ({ userId, secret: `sealed-${userId}` })));
      expect(
        (await t.store.listTotpSecrets(null, 1_000_000)).filter((f) => f.userId.startsWith(t.prefix)),
      ).toHaveLength(23);
    });

    it('hands out copies of factors', async () => {
      await enroll(id('ada'));
      const read = await t.store.getTotpFactor(id('ada'));
      if (read) read.secret = 'changed';
      expect((await t.store.getTotpFactor(id('ada')))?.secret).toBe(`sealed-${id('ada')}`);
    });
  });

  describe('pending TOTP and activateTotp', () => {
    it('stores one pending secret per user, the latest', async () => {
      expect(await t.store.getPendingTotp(id('ada'))).toBeNull();
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'first', expiresAt: later(1000) });
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'second', expiresAt: later(2000) });
      await t.store.putPendingTotp({ userId: id('max'), secret: 'other', expiresAt: later(3000) });
      expect(await t.store.getPendingTotp(id('ada'))).toEqual({
        userId: id('ada'),
        secret: 'second',
        expiresAt: later(2000),
      });
      expect(await t.store.getPendingTotp(id('max'))).toEqual({
        userId: id('max'),
        secret: 'other',
        expiresAt: later(3000),
      });
    });

    it('activates: sets the factor and recovery codes, removes the pending secret', async () => {
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      const active = factor(id('ada'), { secret: 'new', lastUsedStep: STEP, createdAt: later(7) });
      expect(await t.store.activateTotp(active, 'new', codes(id('ada')))).toBe(true);

      expect(await t.store.getTotpFactor(id('ada'))).toEqual(active);
      expect(await t.store.getPendingTotp(id('ada'))).toBeNull();
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(10);
      // The pending secret is spent: the same activation cannot run twice.
      expect(await t.store.activateTotp(active, 'new', codes(id('ada')))).toBe(false);
    });

    it('replaces an existing factor and all of its recovery codes', async () => {
      await enroll(id('ada'), { secret: 'old', lastUsedStep: STEP + 100 }, ['old-1', 'old-2', 'old-3']);
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      const replacement = factor(id('ada'), { secret: 'new', createdAt: later(60_000) });
      expect(await t.store.activateTotp(replacement, 'new', ['new-1', 'new-2'])).toBe(true);

      expect(await t.store.getTotpFactor(id('ada'))).toEqual(replacement);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
      expect(await consumeCode(id('ada'), ['old-1'], T0)).toBe(false);
      expect(await consumeCode(id('ada'), ['new-1'], T0)).toBe(true);
      // The new factor starts from its own last step, not the old one's.
      expect(await consumeStep(id('ada'), STEP + 1, 'new')).toBe(true);
    });

    it('keeps the recovery codes as they are when given none (an app beside a passkey)', async () => {
      await enroll(id('ada'), { secret: 'old' }, ['old-1', 'old-2', 'old-3']);
      expect(await consumeCode(id('ada'), ['old-1'], T0)).toBe(true);
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      expect(await t.store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', null)).toBe(true);

      expect((await t.store.getTotpFactor(id('ada')))?.secret).toBe('new');
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
      expect(await consumeCode(id('ada'), ['old-1'], T0)).toBe(false);
      expect(await consumeCode(id('ada'), ['old-2'], T0)).toBe(true);
    });

    it('returns false and changes nothing when the pending secret is not the one given', async () => {
      const old = await enroll(id('ada'), { secret: 'old', lastUsedStep: STEP }, ['old-1', 'old-2']);
      const pending = { userId: id('ada'), secret: 'current', expiresAt: later(1000) };
      await t.store.putPendingTotp(pending);

      const stale = factor(id('ada'), { secret: 'superseded' });
      expect(await t.store.activateTotp(stale, 'superseded', ['x-1', 'x-2', 'x-3'])).toBe(false);

      expect(await t.store.getTotpFactor(id('ada'))).toEqual(old);
      expect(await t.store.getPendingTotp(id('ada'))).toEqual(pending);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
      expect(await consumeCode(id('ada'), ['x-1'], T0)).toBe(false);
    });

    it('returns false without a pending secret, and for another user’s pending secret', async () => {
      expect(await t.store.activateTotp(factor(id('ada'), { secret: 's' }), 's', ['c'])).toBe(false);
      await t.store.putPendingTotp({ userId: id('max'), secret: 's', expiresAt: later(1000) });
      expect(await t.store.activateTotp(factor(id('ada'), { secret: 's' }), 's', ['c'])).toBe(false);
      expect(await t.store.getTotpFactor(id('ada'))).toBeNull();
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(0);
      expect(await t.store.getPendingTotp(id('max'))).not.toBeNull();
    });

    it('activates with no recovery codes', async () => {
      await enroll(id('ada'), {}, ['old']);
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      expect(await t.store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', [])).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(0);
    });

    it('lets exactly one of concurrent activations of the same pending secret succeed', async () => {
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      const results = await times(10, (i) =>
        t.store.activateTotp(factor(id('ada'), { secret: 'new', lastUsedStep: i }), 'new', codes(`${i}`, 3)),
      );
      expect(countTrue(results)).toBe(1);
      const winner = results.indexOf(true);
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBe(winner);
      expect(await consumeCode(id('ada'), [`hash-${winner}-0`], T0)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
    });
  });

  describe('resetMfa', () => {
    it("removes the user's factor, pending secret, recovery codes, attempts and sessions, and nobody else's", async () => {
      for (const user of [id('ada'), id('max')]) {
        await enroll(user, {}, codes(user));
        await t.store.putPendingTotp({ userId: user, secret: 'next', expiresAt: later(1000) });
        for (let i = 0; i < 6; i++) await fail(user, later(i * 3_600_000));
        await t.store.markSessionVerified({
          sessionId: `${user}-s1`,
          userId: user,
          verifiedAt: T0,
          method: 'totp',
        });
        await t.store.markSessionVerified({
          sessionId: `${user}-s2`,
          userId: user,
          verifiedAt: T0,
          method: 'totp',
        });
      }

      expect(await t.store.resetMfa(id('ada'))).toBe(true);

      expect(await t.store.getTotpFactor(id('ada'))).toBeNull();
      expect(await t.store.getPendingTotp(id('ada'))).toBeNull();
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(0);
      expect(await t.store.getSession(id('ada'), `${id('ada')}-s1`)).toBeNull();
      expect(await t.store.getSession(id('ada'), `${id('ada')}-s2`)).toBeNull();
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });

      expect(await t.store.getTotpFactor(id('max'))).not.toBeNull();
      expect((await t.store.getAttempts(id('max'))).failures).toBe(6);
      expect(await t.store.getPendingTotp(id('max'))).not.toBeNull();
      expect(await t.store.countRecoveryCodes(id('max'))).toBe(10);
      expect(await t.store.getSession(id('max'), `${id('max')}-s1`)).not.toBeNull();
      expect(await t.store.getSession(id('max'), `${id('max')}-s2`)).not.toBeNull();

      expect(await t.store.resetMfa(id('ada'))).toBe(false);
    });

    it('returns false without a factor, and still removes a pending secret', async () => {
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'p', expiresAt: later(1000) });
      expect(await t.store.resetMfa(id('ada'))).toBe(false);
      expect(await t.store.getPendingTotp(id('ada'))).toBeNull();
    });

    it('racing activateTotp (a reset during a re-enrollment) ends with nothing left, never an error', async () => {
      for (let i = 0; i < 20; i++) {
        const user = id(`ada${i}`);
        await enroll(user, { secret: 'old' }, ['old-1']);
        await t.store.putPendingTotp({ userId: user, secret: 'new', expiresAt: later(1000) });
        const [, deleted] = await Promise.all([
          t.store.activateTotp(factor(user, { secret: 'new' }), 'new', ['new-1']),
          t.store.resetMfa(user),
        ]);
        // Either order removes everything: the old factor or the new one it replaced.
        expect(deleted).toBe(true);
        expect(await t.store.getTotpFactor(user)).toBeNull();
        expect(await t.store.getPendingTotp(user)).toBeNull();
        expect(await t.store.countRecoveryCodes(user)).toBe(0);
      }
    });

    it('lets a deleted user enroll again', async () => {
      await enroll(id('ada'), { lastUsedStep: STEP + 10 }, codes(id('ada')));
      await t.store.resetMfa(id('ada'));
      const again = await enroll(id('ada'), { secret: 'again' }, ['a']);
      expect(await t.store.getTotpFactor(id('ada'))).toEqual(again);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(1);
    });
  });

  describe('recovery codes', () => {
    it('replaces all codes, consumes each once, and counts the unused', async () => {
      await t.store.replaceRecoveryCodes(id('ada'), ['a', 'b', 'c']);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(3);
      expect(await consumeCode(id('ada'), ['b'], T0)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
      expect(await consumeCode(id('ada'), ['b'], later(1000))).toBe(false);
      expect(await consumeCode(id('ada'), ['nope'], T0)).toBe(false);
      expect(await consumeCode(id('ada'), [], T0)).toBe(false);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);

      await t.store.replaceRecoveryCodes(id('ada'), ['d', 'e']);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
      expect(await consumeCode(id('ada'), ['a'], T0)).toBe(false);
      expect(await consumeCode(id('ada'), ['e'], T0)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(1);

      await t.store.replaceRecoveryCodes(id('ada'), []);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(0);
      expect(await consumeCode(id('ada'), ['d'], T0)).toBe(false);
    });

    it('a replacement makes used codes usable again only if they are in the new set', async () => {
      await t.store.replaceRecoveryCodes(id('ada'), ['a', 'b']);
      await consumeCode(id('ada'), ['a'], T0);
      await t.store.replaceRecoveryCodes(id('ada'), ['a', 'c']);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
      expect(await consumeCode(id('ada'), ['a'], T0)).toBe(true);
    });

    it("never consumes another user's code", async () => {
      await t.store.replaceRecoveryCodes(id('ada'), ['shared', 'a']);
      await t.store.replaceRecoveryCodes(id('max'), ['shared', 'm']);
      expect(await t.store.countRecoveryCodes(id('nobody'))).toBe(0);
      expect(await consumeCode(id('ada'), ['m'], T0)).toBe(false);
      expect(await consumeCode(id('ada'), ['shared'], T0)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('max'))).toBe(2);
      expect(await consumeCode(id('max'), ['shared'], T0)).toBe(true);
      await t.store.replaceRecoveryCodes(id('max'), ['new']);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(1);
    });

    it('marks one code among the candidate hashes, skipping used ones', async () => {
      // Candidates are the hashes of one typed code under each key in use (rotation).
      await t.store.replaceRecoveryCodes(id('ada'), ['k1', 'k2', 'other']);
      expect(await consumeCode(id('ada'), ['k2'], T0)).toBe(true);
      expect(await consumeCode(id('ada'), ['k2', 'k1'], T0)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(1);

      await t.store.replaceRecoveryCodes(id('ada'), ['x', 'y', 'z']);
      expect(await consumeCode(id('ada'), ['x', 'y'], T0)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(2);
    });

    it('countRecoveryCodeUsersByKey counts users with unused codes per key id', async () => {
      const before = await t.store.countRecoveryCodeUsersByKey();
      const k1 = `${t.prefix}k1`;
      const k2 = `${t.prefix}k2`;
      await t.store.replaceRecoveryCodes(id('ada'), [`${k1}.a`, `${k1}.b`]);
      await t.store.replaceRecoveryCodes(id('max'), [`${k1}.c`, `${k2}.d`]);
      await t.store.replaceRecoveryCodes(id('sam'), [`${k2}.e`]);
      await consumeCode(id('sam'), [`${k2}.e`], T0);
      const counts = await t.store.countRecoveryCodeUsersByKey();
      expect(counts.get(k1)).toBe(2);
      expect(counts.get(k2)).toBe(1);
      expect(before.has(k1)).toBe(false);
      expect((await t.store.recoveryCodeKeys(id('max'))).sort()).toEqual([k1, k2]);
      expect(await t.store.recoveryCodeKeys(id('sam'))).toEqual([]);
      expect(await t.store.recoveryCodeKeys(id('nobody'))).toEqual([]);
    });

    it('returns true for exactly one of 20 concurrent consumers of one code', async () => {
      await t.store.replaceRecoveryCodes(id('ada'), codes(id('ada')));
      const [first, second] = codes(id('ada'));
      for (const code of [first, second]) {
        const results = await times(20, (i) => consumeCode(id('ada'), [code ?? ''], later(i)));
        expect(countTrue(results)).toBe(1);
      }
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(8);
    });
  });
}
