/** The store conformance suite: verified sessions: marking, ending, pruning. */
import { describe, expect, it } from 'vitest';
import { type ConformanceContext, later, SCHEDULE, STEP, T0 } from './context.ts';

export function sessionsConformance(t: ConformanceContext): void {
  const { id, factor, enroll, consumeStep, fail } = t;
  describe('sessions', () => {
    it('marks, reads and re-marks a verified session', async () => {
      expect(await t.store.getSession(id('ada'), id('s1'))).toBeNull();
      await t.store.markSessionVerified({
        sessionId: id('s1'),
        userId: id('ada'),
        verifiedAt: T0,
        method: 'totp',
      });
      expect(await t.store.getSession(id('ada'), id('s1'))).toEqual({
        sessionId: id('s1'),
        userId: id('ada'),
        verifiedAt: T0,
        method: 'totp',
      });
      await t.store.markSessionVerified({
        sessionId: id('s1'),
        userId: id('ada'),
        verifiedAt: later(5000),
        method: 'totp',
      });
      expect((await t.store.getSession(id('ada'), id('s1')))?.verifiedAt).toEqual(later(5000));
    });

    it('keeps the same session id of two users apart', async () => {
      await t.store.markSessionVerified({
        sessionId: id('shared'),
        userId: id('ada'),
        verifiedAt: T0,
        method: 'totp',
      });
      expect(await t.store.getSession(id('max'), id('shared'))).toBeNull();
      await t.store.markSessionVerified({
        sessionId: id('shared'),
        userId: id('max'),
        verifiedAt: later(1000),
        method: 'totp',
      });
      expect(await t.store.getSession(id('ada'), id('shared'))).toEqual({
        sessionId: id('shared'),
        userId: id('ada'),
        verifiedAt: T0,
        method: 'totp',
      });
      expect((await t.store.getSession(id('max'), id('shared')))?.verifiedAt).toEqual(later(1000));
      await t.store.endSession(id('max'), id('shared'));
      expect(await t.store.getSession(id('ada'), id('shared'))).not.toBeNull();
      expect(await t.store.getSession(id('max'), id('shared'))).toBeNull();
    });
  });

  describe('sessions end when trust changes', () => {
    const mark = (user: string, session: string, at = T0) =>
      t.store.markSessionVerified({
        sessionId: id(session),
        userId: id(user),
        verifiedAt: at,
        method: 'totp',
      });
    const verified = async (user: string, session: string) =>
      (await t.store.getSession(id(user), id(session))) !== null;

    it("activateTotp ends every verified session of the user, marks the given one, and no one else's", async () => {
      await enroll(id('ada'), { secret: 'old' });
      await mark('ada', 'thief');
      await mark('ada', 'laptop');
      await mark('max', 'max-1');
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      const session = {
        sessionId: id('phone'),
        userId: id('ada'),
        verifiedAt: later(500),
        method: 'totp' as const,
      };
      const replacement = factor(id('ada'), { secret: 'new' });
      expect(await t.store.activateTotp(replacement, 'new', ['c-1'], undefined, session)).toBe(true);
      expect(await verified('ada', 'thief')).toBe(false);
      expect(await verified('ada', 'laptop')).toBe(false);
      expect(await t.store.getSession(id('ada'), id('phone'))).toEqual(session);
      expect(await verified('max', 'max-1')).toBe(true);
    });

    it('activateTotp that finds its setup replaced ends no session', async () => {
      await enroll(id('ada'), { secret: 'old' });
      await mark('ada', 'laptop');
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'other', expiresAt: later(1000) });
      const session = { sessionId: id('phone'), userId: id('ada'), verifiedAt: T0, method: 'totp' as const };
      expect(
        await t.store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', [], undefined, session),
      ).toBe(false);
      expect(await verified('ada', 'laptop')).toBe(true);
      expect(await verified('ada', 'phone')).toBe(false);
    });

    it("replaceRecoveryCodes ends every verified session of the user but the one kept, and no one else's", async () => {
      await enroll(id('ada'));
      await mark('ada', 'here');
      await mark('ada', 'thief');
      await mark('max', 'max-1');
      await t.store.replaceRecoveryCodes(id('ada'), ['a', 'b'], undefined, id('here'));
      expect(await verified('ada', 'here')).toBe(true);
      expect(await verified('ada', 'thief')).toBe(false);
      expect(await verified('max', 'max-1')).toBe(true);
      // Without a session to keep, all of them end.
      await t.store.replaceRecoveryCodes(id('ada'), ['c'], undefined);
      expect(await verified('ada', 'here')).toBe(false);
    });

    it('endSession ends that one session of that user only', async () => {
      await mark('ada', 's1');
      await mark('ada', 's2');
      await mark('max', 's1');
      await t.store.endSession(id('ada'), id('s1'));
      await t.store.endSession(id('nobody'), id('s1'));
      expect(await verified('ada', 's1')).toBe(false);
      expect(await verified('ada', 's2')).toBe(true);
      expect(await verified('max', 's1')).toBe(true);
    });

    it('settleAttempt consumes a TOTP step only on the secret it was judged against', async () => {
      // The code was judged against the old secret; the factor was replaced meanwhile.
      await enroll(id('ada'), { secret: 'old' });
      await t.store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
      expect(await t.store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', [])).toBe(true);
      expect(await consumeStep(id('ada'), STEP, 'old')).toBe(false);
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBeNull();
      expect(await t.store.getSession(id('ada'), id('ada-step'))).toBeNull();
      expect(await consumeStep(id('ada'), STEP, 'new')).toBe(true);
    });
  });

  describe('pruneExpired', () => {
    // Long before anything the other tests write, so that a store shared with them (one
    // PostgreSQL database) loses none of their rows here.
    const OLD = new Date('2001-01-01T00:00:00Z');
    const old = (ms: number) => new Date(OLD.getTime() + ms);
    const prune = (limit = 100) =>
      t.store.pruneExpired({
        now: old(10_000),
        sessionsBefore: old(10_000),
        attemptsBefore: old(10_000),
        keepFailures: 100,
        limit,
      });

    it('removes expired setups, sessions and idle failure counts, and keeps the rest', async () => {
      await t.store.putPendingTotp({ userId: id('gone'), secret: 's', expiresAt: old(1000) });
      await t.store.putPendingTotp({ userId: id('kept'), secret: 's', expiresAt: later(600_000) });
      await t.store.markSessionVerified({
        sessionId: id('gone'),
        userId: id('ada'),
        verifiedAt: old(1000),
        method: 'totp',
      });
      await t.store.markSessionVerified({
        sessionId: id('kept'),
        userId: id('ada'),
        verifiedAt: T0,
        method: 'totp',
      });
      // Failure counts, through the only ways a store counts them.
      await fail(id('idle'), old(1000));
      for (let i = 0; i < 100; i++) await fail(id('refused'), old(i), { ...SCHEDULE, threshold: 1000 });
      await fail(id('recent'), T0);

      expect(await prune()).toBeGreaterThanOrEqual(3);
      expect(await t.store.getPendingTotp(id('gone'))).toBeNull();
      expect(await t.store.getPendingTotp(id('kept'))).not.toBeNull();
      expect(await t.store.getSession(id('ada'), id('gone'))).toBeNull();
      expect(await t.store.getSession(id('ada'), id('kept'))).not.toBeNull();
      expect((await t.store.getAttempts(id('idle'))).failures).toBe(0);
      // A user refused app codes after 100 failures stays so until a recovery code.
      expect((await t.store.getAttempts(id('refused'))).failures).toBe(100);
      expect((await t.store.getAttempts(id('recent'))).failures).toBe(1);
    });

    it('removes at most `limit` rows of each kind a call', async () => {
      for (let i = 0; i < 5; i++) {
        await t.store.markSessionVerified({
          sessionId: id(`s${i}`),
          userId: id('ada'),
          verifiedAt: old(i),
          method: 'totp',
        });
      }
      await prune(2);
      const left = async () => {
        let n = 0;
        for (let i = 0; i < 5; i++) if (await t.store.getSession(id('ada'), id(`s${i}`))) n++;
        return n;
      };
      expect(await left()).toBe(3);
      await prune(2);
      await prune(2);
      expect(await left()).toBe(0);
    });

    it('counts the failures of settleAttempt as recent', async () => {
      await enroll(id('ada'));
      await t.store.settleAttempt({
        userId: id('ada'),
        sessionId: id('s'),
        now: old(1000),
        schedule: SCHEDULE,
        proof: { kind: 'recovery', hashes: [] },
      });
      await t.store.settleAttempt({
        userId: id('max'),
        sessionId: id('s'),
        now: T0,
        schedule: SCHEDULE,
        proof: { kind: 'recovery', hashes: [] },
      });
      await prune();
      expect((await t.store.getAttempts(id('ada'))).failures).toBe(0);
      expect((await t.store.getAttempts(id('max'))).failures).toBe(1);
    });
  });
}
