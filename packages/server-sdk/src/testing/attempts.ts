/** The store conformance suite: attempts: consuming proofs under the back-off. */
import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../model.ts';
import type { AttemptInput, AttemptProof, AttemptResult } from '../store/store.ts';
import {
  type ConformanceContext,
  countTrue,
  later,
  lockDurationOf,
  SCHEDULE,
  STEP,
  T0,
  times,
  totpProof,
} from './context.ts';

export function attemptsConformance(t: ConformanceContext): void {
  const { id, enroll, consumeStep, codes } = t;
  describe('settleAttempt: consuming TOTP steps', () => {
    it('accepts only steps after the last one consumed', async () => {
      await enroll(id('ada'));
      expect(await consumeStep(id('ada'), STEP)).toBe(true);
      expect(await consumeStep(id('ada'), STEP)).toBe(false);
      expect(await consumeStep(id('ada'), STEP + 2)).toBe(true);
      // A lower step after a higher one is refused, though it was never used itself.
      expect(await consumeStep(id('ada'), STEP + 1)).toBe(false);
      expect(await consumeStep(id('ada'), STEP - 1)).toBe(false);
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBe(STEP + 2);
      expect(await consumeStep(id('ada'), STEP + 3)).toBe(true);
    });

    it("starts from the factor's stored last step", async () => {
      await enroll(id('ada'), { lastUsedStep: STEP });
      expect(await consumeStep(id('ada'), STEP)).toBe(false);
      expect(await consumeStep(id('ada'), STEP + 1)).toBe(true);
    });

    it('refuses a user without a factor, and keeps users apart', async () => {
      expect(await consumeStep(id('nobody'), STEP)).toBe(false);
      await enroll(id('ada'));
      await enroll(id('max'));
      expect(await consumeStep(id('ada'), STEP)).toBe(true);
      expect(await consumeStep(id('max'), STEP)).toBe(true);
      expect(await t.store.getTotpFactor(id('nobody'))).toBeNull();
    });

    it('returns true for exactly one of 50 concurrent callers with the same step', async () => {
      await enroll(id('ada'));
      for (const step of [STEP, STEP + 1, STEP + 5]) {
        const results = await times(50, () => consumeStep(id('ada'), step));
        expect(countTrue(results)).toBe(1);
      }
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBe(STEP + 5);
    });

    it('never goes back under concurrent callers with different steps', async () => {
      await enroll(id('ada'));
      const steps = Array.from({ length: 30 }, (_, i) => STEP + ((i * 7) % 30));
      const results = await Promise.all(steps.map((step) => consumeStep(id('ada'), step)));
      expect(results[steps.indexOf(STEP + 29)]).toBe(true);
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBe(STEP + 29);
    });
  });

  describe('settleAttempt', () => {
    const totp = (step: number | null, failureLimit = 100, user = id('ada')): AttemptProof =>
      totpProof(step, `sealed-${user}`, failureLimit);
    const recovery = (...hashes: string[]): AttemptProof => ({ kind: 'recovery', hashes });
    /** The result without its audit events (none are asked for here). */
    const attempt = async (
      user: string,
      proof: AttemptProof,
      at: Date = T0,
      session = id('s'),
    ): Promise<AttemptResult> => {
      const { events, ...result } = await t.store.settleAttempt({
        userId: user,
        sessionId: session,
        now: at,
        schedule: SCHEDULE,
        proof,
      } satisfies AttemptInput);
      expect(events).toEqual([]);
      return result as AttemptResult;
    };

    it('appends the audit events the result calls for, in the same transaction, and answers them', async () => {
      await enroll(id('ada'), {}, codes(id('ada'), 2));
      const audit = (result: AttemptResult): AuditEventInput[] => [
        {
          type: result.outcome === 'verified' ? 'recovery_code.used' : 'challenge.failed',
          actorId: id('ada'),
          userId: id('ada'),
          accountId: id('acme'),
          before: null,
          after: { result },
          at: T0,
        },
      ];
      const input = { userId: id('ada'), sessionId: id('s'), now: T0, schedule: SCHEDULE, audit };
      const failed = await t.store.settleAttempt({ ...input, proof: totp(null) });
      const used = await t.store.settleAttempt({
        ...input,
        proof: recovery(codes(id('ada'), 1)[0] as string),
      });
      expect(failed.events).toEqual([
        expect.objectContaining({
          type: 'challenge.failed',
          after: { result: { outcome: 'invalid', failures: 1 } },
        }),
      ]);
      expect(used.events).toEqual([
        expect.objectContaining({
          type: 'recovery_code.used',
          after: { result: { outcome: 'verified', recoveryCodesRemaining: 1 } },
        }),
      ]);
      const listed = await t.store.listAudit({ accountId: id('acme'), userIds: [], limit: 10 });
      expect(listed).toEqual([...used.events, ...failed.events]);
    });

    it('a step after the last one used verifies: consumed, failures cleared, session marked', async () => {
      await enroll(id('ada'), {}, codes(id('ada'), 3));
      expect(await attempt(id('ada'), totp(null))).toEqual({ outcome: 'invalid', failures: 1 });
      expect(await attempt(id('ada'), totp(STEP), later(1000))).toEqual({
        outcome: 'verified',
        recoveryCodesRemaining: 3,
      });
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBe(STEP);
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });
      expect(await t.store.getSession(id('ada'), id('s'))).toEqual({
        sessionId: id('s'),
        userId: id('ada'),
        verifiedAt: later(1000),
        method: 'totp',
      });
    });

    it('a step at or before the last one used is a replay, and counts as a failure', async () => {
      await enroll(id('ada'), { lastUsedStep: STEP });
      expect(await attempt(id('ada'), totp(STEP), T0, id('s2'))).toEqual({
        outcome: 'replayed',
        failures: 1,
      });
      expect(await attempt(id('ada'), totp(STEP - 1), T0, id('s2'))).toEqual({
        outcome: 'replayed',
        failures: 2,
      });
      expect(await t.store.getSession(id('ada'), id('s2'))).toBeNull();
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBe(STEP);
      // Without an app there is no code to judge: nothing is counted or marked.
      expect(await attempt(id('nobody'), totp(STEP))).toEqual({ outcome: 'not_enrolled' });
      expect(await t.store.getAttempts(id('nobody'))).toEqual({ failures: 0, lockedUntil: null });
      expect(await t.store.getSession(id('nobody'), id('s'))).toBeNull();
    });

    it('locks from the threshold on; while locked nothing is judged or changed, not even a good code', async () => {
      await enroll(id('ada'));
      for (let n = 1; n <= 4; n++) {
        expect(await attempt(id('ada'), totp(null))).toEqual({ outcome: 'invalid', failures: n });
      }
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 4, lockedUntil: null });
      expect(await attempt(id('ada'), totp(null))).toEqual({ outcome: 'invalid', failures: 5 });
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
      for (const at of [T0, later(29_999)]) {
        expect(await attempt(id('ada'), totp(STEP), at)).toEqual({
          outcome: 'locked',
          lockedUntil: later(30_000),
        });
      }
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBeNull();
      expect(await t.store.getSession(id('ada'), id('s'))).toBeNull();
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
      // The lock ends at lockedUntil itself; the next failure doubles it.
      expect(await attempt(id('ada'), totp(null), later(30_000))).toEqual({
        outcome: 'invalid',
        failures: 6,
      });
      expect(await t.store.getAttempts(id('ada'))).toEqual({
        failures: 6,
        lockedUntil: later(30_000 + 60_000),
      });
      expect(await attempt(id('ada'), totp(STEP), later(90_000))).toMatchObject({ outcome: 'verified' });
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });
    });

    it('refuses a TOTP code after failureLimit failures, however good; a recovery code still verifies', async () => {
      await enroll(id('ada'), {}, codes(id('ada'), 2));
      let now = T0;
      for (let n = 1; n <= 3; n++) {
        expect(await attempt(id('ada'), totp(null, 3), now)).toMatchObject({ failures: n });
        now = later(lockDurationOf(n), now);
      }
      expect(await attempt(id('ada'), totp(STEP, 3), now)).toEqual({ outcome: 'refused', failures: 4 });
      expect((await t.store.getTotpFactor(id('ada')))?.lastUsedStep).toBeNull();
      now = later(SCHEDULE.capMs, now);
      const [code] = codes(id('ada'), 2);
      expect(await attempt(id('ada'), recovery('not-a-code', code as string), now)).toEqual({
        outcome: 'verified',
        recoveryCodesRemaining: 1,
      });
      expect(await attempt(id('ada'), totp(STEP, 3), now)).toMatchObject({ outcome: 'verified' });
    });

    it('a recovery code verifies once; an unknown one, or none, is invalid', async () => {
      await enroll(id('ada'), {}, codes(id('ada'), 3));
      await enroll(id('max'), {}, codes(id('max'), 3));
      const [first] = codes(id('ada'), 3);
      expect(await attempt(id('ada'), recovery(first as string))).toEqual({
        outcome: 'verified',
        recoveryCodesRemaining: 2,
      });
      expect(await attempt(id('ada'), recovery(first as string))).toEqual({
        outcome: 'invalid',
        failures: 1,
      });
      expect(await attempt(id('ada'), recovery())).toEqual({ outcome: 'invalid', failures: 2 });
      expect(await attempt(id('ada'), recovery(codes(id('max'), 1)[0] as string))).toEqual({
        outcome: 'invalid',
        failures: 3,
      });
      expect(await t.store.countRecoveryCodes(id('max'))).toBe(3);
    });

    it('judges exactly threshold (5) of 30 concurrent wrong codes; the rest find the user locked', async () => {
      await enroll(id('ada'));
      const results = await times(30, () => attempt(id('ada'), totp(null)));
      const judged = results.filter((r) => r.outcome !== 'locked');
      expect(judged).toHaveLength(5);
      expect(judged.map((r) => ('failures' in r ? r.failures : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await t.store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
    });

    it('verifies exactly one of 30 concurrent attempts with the same good step', async () => {
      await enroll(id('ada'));
      const results = await times(30, (i) => attempt(id('ada'), totp(STEP), T0, id(`s${i}`)));
      expect(results.filter((r) => r.outcome === 'verified')).toHaveLength(1);
      // The others are replays until the replays themselves lock the user.
      expect(results.filter((r) => r.outcome === 'replayed').length).toBeLessThanOrEqual(5);
      const sessions = await times(30, (i) => t.store.getSession(id('ada'), id(`s${i}`)));
      expect(sessions.filter((session) => session !== null)).toHaveLength(1);
    });
  });
}
