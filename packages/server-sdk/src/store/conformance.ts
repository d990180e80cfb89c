/**
 * TEST SUPPORT, not part of the package: the conformance suite every `MfaStore`
 * runs (memory, SQLite, and PostgreSQL through the same Kysely store). It imports
 * vitest, which is a dev dependency only, so nothing under src/ imports this file
 * and src/index.ts does not export it.
 *
 * Each `it` gets a fresh store from `makeStore`, and every id it writes carries a
 * prefix unique to the test, so a store whose data outlives a test (a shared
 * PostgreSQL database) still answers each test only with that test's rows.
 *
 * @example
 * runStoreConformance('sqlite', () => sqliteStore({ filename: ':memory:' }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent, AuditEventInput, PolicyRecord, TotpFactorRecord } from '../model.ts';
import type {
  AttemptGrant,
  AttemptInput,
  AttemptProof,
  AttemptResult,
  AuditWrite,
  LockSchedule,
  MfaStore,
} from './store.ts';

export interface StoreConformanceOptions {
  /** Runs after each test, once its store is closed (remove files, truncate tables). */
  cleanup?: () => Promise<void>;
}

const T0 = new Date('2026-03-02T10:00:00.123Z');
/** A realistic TOTP time step (epoch seconds / 30 around T0). */
const STEP = Math.floor(T0.getTime() / 30_000);
const SCHEDULE: LockSchedule = { threshold: 5, baseMs: 30_000, capMs: 3_600_000 };

const later = (ms: number, from: Date = T0) => new Date(from.getTime() + ms);
const times = <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => make(i)));
const countTrue = (results: readonly boolean[]) => results.filter(Boolean).length;
/** The lock SCHEDULE sets after `failures` consecutive failures. */
const lockDurationOf = (failures: number) =>
  failures < SCHEDULE.threshold
    ? 0
    : Math.min(SCHEDULE.capMs, SCHEDULE.baseMs * 2 ** (failures - SCHEDULE.threshold));

export function runStoreConformance(
  name: string,
  makeStore: () => Promise<MfaStore> | MfaStore,
  options: StoreConformanceOptions = {},
): void {
  describe(`MfaStore conformance: ${name}`, () => {
    let store: MfaStore;
    let closed = false;
    let prefix = '';
    /** An id that belongs to this test only. */
    const id = (label: string) => `${prefix}-${label}`;

    beforeEach(async () => {
      prefix = `t${crypto.randomUUID().slice(0, 8)}`;
      closed = false;
      store = await makeStore();
      await store.migrate();
    });

    afterEach(async () => {
      if (!closed) await store.close();
      await options.cleanup?.();
    });

    const policy = (
      accountId: string,
      version: number,
      overrides: Partial<PolicyRecord> = {},
    ): PolicyRecord => ({
      accountId,
      mode: 'required_all',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      version,
      updatedAt: later(version * 1000),
      updatedBy: id('admin'),
      ...overrides,
    });

    const factor = (userId: string, overrides: Partial<TotpFactorRecord> = {}): TotpFactorRecord => ({
      userId,
      secret: `sealed-${userId}`,
      lastUsedStep: null,
      createdAt: T0,
      ...overrides,
    });

    /** Gives the user an active factor the only way a store allows: pending, then activated. */
    const enroll = async (
      userId: string,
      overrides: Partial<TotpFactorRecord> = {},
      codes: string[] = [],
    ) => {
      const active = factor(userId, overrides);
      await store.putPendingTotp({ userId, secret: active.secret, expiresAt: later(600_000) });
      expect(await store.activateTotp(active, active.secret, codes)).toBe(true);
      return active;
    };

    /** A schedule that never locks: the consumption tests below judge proofs, not the back-off. */
    const NO_LOCK: LockSchedule = { threshold: Number.MAX_SAFE_INTEGER, baseMs: 1, capMs: 1 };
    /** Consumes a TOTP step through `settleAttempt`; true when it verified. */
    const consumeStep = async (userId: string, step: number, secret = `sealed-${userId}`) => {
      const { outcome } = await store.settleAttempt({
        userId,
        sessionId: `${userId}-step`,
        now: T0,
        schedule: NO_LOCK,
        proof: { kind: 'totp', step, failureLimit: Number.MAX_SAFE_INTEGER, secret },
      });
      return outcome === 'verified';
    };
    /** Consumes one of the candidate hashes of a recovery code through `settleAttempt`; true when it verified. */
    const consumeCode = async (userId: string, hashes: readonly string[], at: Date) => {
      const { outcome } = await store.settleAttempt({
        userId,
        sessionId: `${userId}-code`,
        now: at,
        schedule: NO_LOCK,
        proof: { kind: 'recovery', hashes },
      });
      return outcome === 'verified';
    };

    const codes = (userId: string, n = 10) => Array.from({ length: n }, (_, i) => `hash-${userId}-${i}`);

    it('migrate is idempotent and keeps what is stored', async () => {
      await store.putPendingTotp({ userId: id('u'), secret: 's', expiresAt: T0 });
      await store.migrate();
      await Promise.all([store.migrate(), store.migrate()]);
      expect(await store.getPendingTotp(id('u'))).toEqual({ userId: id('u'), secret: 's', expiresAt: T0 });
    });

    it('close resolves', async () => {
      closed = true;
      await expect(store.close()).resolves.toBeUndefined();
    });

    describe('policy', () => {
      it('has none before the first write', async () => {
        expect(await store.getPolicy(id('acme'))).toBeNull();
      });

      it('inserts with expectedVersion 0 exactly once, and round-trips every field', async () => {
        const first = policy(id('acme'), 1, { gracePeriodDays: 0, enforceAfterSso: true });
        expect(await store.putPolicy(first, 0)).toBe(true);
        expect(await store.getPolicy(id('acme'))).toEqual(first);

        const again = policy(id('acme'), 1, { mode: 'optional' });
        expect(await store.putPolicy(again, 0)).toBe(false);
        expect(await store.getPolicy(id('acme'))).toEqual(first);
      });

      it('round-trips a policy nobody is named on', async () => {
        const anonymous = policy(id('acme'), 1, { updatedAt: null, updatedBy: null, mode: 'optional' });
        expect(await store.putPolicy(anonymous, 0)).toBe(true);
        expect(await store.getPolicy(id('acme'))).toEqual(anonymous);
      });

      it('updates only from the stored version', async () => {
        expect(await store.putPolicy(policy(id('acme'), 1), 0)).toBe(true);
        const second = policy(id('acme'), 2, { mode: 'required_admins', gracePeriodDays: 90 });
        expect(await store.putPolicy(second, 1)).toBe(true);
        expect(await store.getPolicy(id('acme'))).toEqual(second);

        // A writer that read version 1 is now stale; one that guessed ahead is wrong too.
        expect(await store.putPolicy(policy(id('acme'), 2, { mode: 'optional' }), 1)).toBe(false);
        expect(await store.putPolicy(policy(id('acme'), 6, { mode: 'optional' }), 5)).toBe(false);
        expect(await store.getPolicy(id('acme'))).toEqual(second);

        const third = policy(id('acme'), 3, { mode: 'optional' });
        expect(await store.putPolicy(third, 2)).toBe(true);
        expect(await store.getPolicy(id('acme'))).toEqual(third);
      });

      it('keeps accounts apart', async () => {
        const acme = policy(id('acme'), 1);
        expect(await store.putPolicy(acme, 0)).toBe(true);
        expect(await store.getPolicy(id('contoso'))).toBeNull();
        expect(await store.putPolicy(policy(id('contoso'), 2), 1)).toBe(false);
        const contoso = policy(id('contoso'), 1, { mode: 'optional' });
        expect(await store.putPolicy(contoso, 0)).toBe(true);
        expect(await store.getPolicy(id('acme'))).toEqual(acme);
        expect(await store.getPolicy(id('contoso'))).toEqual(contoso);
      });

      it('lets exactly one of concurrent writers with the same expectation win', async () => {
        const modes = ['optional', 'required_admins', 'required_all'] as const;
        const writers = (version: number) =>
          Array.from({ length: 12 }, (_, i) =>
            policy(id('acme'), version, { mode: modes[i % 3] ?? 'optional', gracePeriodDays: i }),
          );

        for (const version of [1, 2]) {
          const candidates = writers(version);
          const results = await Promise.all(candidates.map((p) => store.putPolicy(p, version - 1)));
          expect(countTrue(results)).toBe(1);
          const winner = candidates[results.indexOf(true)];
          expect(await store.getPolicy(id('acme'))).toEqual(winner);
        }
      });

      it('hands out copies: changing a record changes nothing stored', async () => {
        const written = policy(id('acme'), 1);
        await store.putPolicy(written, 0);
        written.mode = 'optional';
        const read = await store.getPolicy(id('acme'));
        expect(read?.mode).toBe('required_all');
        if (read) read.gracePeriodDays = 99;
        expect((await store.getPolicy(id('acme')))?.gracePeriodDays).toBe(7);
      });
    });

    describe('factors', () => {
      it('getFactor and getFactors return active factors only', async () => {
        expect(await store.getFactor(id('ada'))).toBeNull();
        expect(await store.getFactors([])).toEqual([]);

        const ada = await enroll(id('ada'), { lastUsedStep: STEP, createdAt: later(5) });
        const cleo = await enroll(id('cleo'));
        await store.putPendingTotp({ userId: id('max'), secret: 'pending', expiresAt: T0 });

        expect(await store.getFactor(id('ada'))).toEqual(ada);
        expect(await store.getFactor(id('max'))).toBeNull();
        const found = await store.getFactors([id('ada'), id('max'), id('cleo'), id('nobody')]);
        expect(found.sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([ada, cleo]);
        expect(await store.getFactors([id('max')])).toEqual([]);
      });

      it('updateFactorSecret replaces the secret only, and creates no factor', async () => {
        const ada = await enroll(id('ada'), { lastUsedStep: STEP });
        expect(await store.updateFactorSecret(id('ada'), 'resealed', ada.secret)).toBe(true);
        expect(await store.getFactor(id('ada'))).toEqual({ ...ada, secret: 'resealed' });

        expect(await store.updateFactorSecret(id('max'), 'resealed', 'anything')).toBe(false);
        expect(await store.getFactor(id('max'))).toBeNull();
      });

      it('updateFactorSecret keeps a factor whose secret changed meanwhile (a new enrollment)', async () => {
        const old = await enroll(id('ada'));
        await enroll(id('ada'), { secret: 'new-enrollment' });
        expect(await store.updateFactorSecret(id('ada'), 'resealed-old', old.secret)).toBe(false);
        expect((await store.getFactor(id('ada')))?.secret).toBe('new-enrollment');
      });

      it('listFactorSecrets pages through every active factor in order, once each', async () => {
        const users = Array.from({ length: 23 }, (_, i) => id(`p${String(i).padStart(2, '0')}`));
        for (const user of [...users].reverse()) await enroll(user, { secret: `sealed-${user}` });
        await store.putPendingTotp({ userId: id('pending'), secret: 'p', expiresAt: later(1000) });
        // Other tests' factors may share the store: this test's ids all begin with `prefix`.
        const seen: { userId: string; secret: string }[] = [];
        let after: string | null = prefix;
        for (let page = 0; page < 10 && after !== null; page++) {
          const found = await store.listFactorSecrets(after, 5);
          seen.push(...found.filter((f) => f.userId.startsWith(prefix)));
          after =
            found.length === 5 && found.every((f) => f.userId.startsWith(prefix))
              ? (found.at(-1)?.userId ?? null)
              : null;
        }
        expect(seen).toEqual(users.map((userId) => ({ userId, secret: `sealed-${userId}` })));
        expect(
          (await store.listFactorSecrets(null, 1_000_000)).filter((f) => f.userId.startsWith(prefix)),
        ).toHaveLength(23);
      });

      it('hands out copies of factors', async () => {
        await enroll(id('ada'));
        const read = await store.getFactor(id('ada'));
        if (read) read.secret = 'changed';
        expect((await store.getFactor(id('ada')))?.secret).toBe(`sealed-${id('ada')}`);
      });
    });

    describe('pending TOTP and activateTotp', () => {
      it('stores one pending secret per user, the latest', async () => {
        expect(await store.getPendingTotp(id('ada'))).toBeNull();
        await store.putPendingTotp({ userId: id('ada'), secret: 'first', expiresAt: later(1000) });
        await store.putPendingTotp({ userId: id('ada'), secret: 'second', expiresAt: later(2000) });
        await store.putPendingTotp({ userId: id('max'), secret: 'other', expiresAt: later(3000) });
        expect(await store.getPendingTotp(id('ada'))).toEqual({
          userId: id('ada'),
          secret: 'second',
          expiresAt: later(2000),
        });
        expect(await store.getPendingTotp(id('max'))).toEqual({
          userId: id('max'),
          secret: 'other',
          expiresAt: later(3000),
        });
      });

      it('activates: sets the factor and recovery codes, removes the pending secret', async () => {
        await store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
        const active = factor(id('ada'), { secret: 'new', lastUsedStep: STEP, createdAt: later(7) });
        expect(await store.activateTotp(active, 'new', codes(id('ada')))).toBe(true);

        expect(await store.getFactor(id('ada'))).toEqual(active);
        expect(await store.getPendingTotp(id('ada'))).toBeNull();
        expect(await store.countRecoveryCodes(id('ada'))).toBe(10);
        // The pending secret is spent: the same activation cannot run twice.
        expect(await store.activateTotp(active, 'new', codes(id('ada')))).toBe(false);
      });

      it('replaces an existing factor and all of its recovery codes', async () => {
        await enroll(id('ada'), { secret: 'old', lastUsedStep: STEP + 100 }, ['old-1', 'old-2', 'old-3']);
        await store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
        const replacement = factor(id('ada'), { secret: 'new', createdAt: later(60_000) });
        expect(await store.activateTotp(replacement, 'new', ['new-1', 'new-2'])).toBe(true);

        expect(await store.getFactor(id('ada'))).toEqual(replacement);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
        expect(await consumeCode(id('ada'), ['old-1'], T0)).toBe(false);
        expect(await consumeCode(id('ada'), ['new-1'], T0)).toBe(true);
        // The new factor starts from its own last step, not the old one's.
        expect(await consumeStep(id('ada'), STEP + 1, 'new')).toBe(true);
      });

      it('returns false and changes nothing when the pending secret is not the one given', async () => {
        const old = await enroll(id('ada'), { secret: 'old', lastUsedStep: STEP }, ['old-1', 'old-2']);
        const pending = { userId: id('ada'), secret: 'current', expiresAt: later(1000) };
        await store.putPendingTotp(pending);

        const stale = factor(id('ada'), { secret: 'superseded' });
        expect(await store.activateTotp(stale, 'superseded', ['x-1', 'x-2', 'x-3'])).toBe(false);

        expect(await store.getFactor(id('ada'))).toEqual(old);
        expect(await store.getPendingTotp(id('ada'))).toEqual(pending);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
        expect(await consumeCode(id('ada'), ['x-1'], T0)).toBe(false);
      });

      it('returns false without a pending secret, and for another user’s pending secret', async () => {
        expect(await store.activateTotp(factor(id('ada'), { secret: 's' }), 's', ['c'])).toBe(false);
        await store.putPendingTotp({ userId: id('max'), secret: 's', expiresAt: later(1000) });
        expect(await store.activateTotp(factor(id('ada'), { secret: 's' }), 's', ['c'])).toBe(false);
        expect(await store.getFactor(id('ada'))).toBeNull();
        expect(await store.countRecoveryCodes(id('ada'))).toBe(0);
        expect(await store.getPendingTotp(id('max'))).not.toBeNull();
      });

      it('activates with no recovery codes', async () => {
        await enroll(id('ada'), {}, ['old']);
        await store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
        expect(await store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', [])).toBe(true);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(0);
      });

      it('lets exactly one of concurrent activations of the same pending secret succeed', async () => {
        await store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
        const results = await times(10, (i) =>
          store.activateTotp(factor(id('ada'), { secret: 'new', lastUsedStep: i }), 'new', codes(`${i}`, 3)),
        );
        expect(countTrue(results)).toBe(1);
        const winner = results.indexOf(true);
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBe(winner);
        expect(await consumeCode(id('ada'), [`hash-${winner}-0`], T0)).toBe(true);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
      });
    });

    describe('deleteFactor', () => {
      it("removes the user's factor, pending secret, recovery codes, attempts and sessions, and nobody else's", async () => {
        for (const user of [id('ada'), id('max')]) {
          await enroll(user, {}, codes(user));
          await store.putPendingTotp({ userId: user, secret: 'next', expiresAt: later(1000) });
          for (let i = 0; i < 6; i++) await store.beginAttempt(user, later(i * 60_000), SCHEDULE);
          await store.markSessionVerified({ sessionId: `${user}-s1`, userId: user, verifiedAt: T0 });
          await store.markSessionVerified({ sessionId: `${user}-s2`, userId: user, verifiedAt: T0 });
        }

        expect(await store.deleteFactor(id('ada'))).toBe(true);

        expect(await store.getFactor(id('ada'))).toBeNull();
        expect(await store.getPendingTotp(id('ada'))).toBeNull();
        expect(await store.countRecoveryCodes(id('ada'))).toBe(0);
        expect(await store.getSession(id('ada'), `${id('ada')}-s1`)).toBeNull();
        expect(await store.getSession(id('ada'), `${id('ada')}-s2`)).toBeNull();
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });

        expect(await store.getFactor(id('max'))).not.toBeNull();
        expect((await store.getAttempts(id('max'))).failures).toBe(6);
        expect(await store.getPendingTotp(id('max'))).not.toBeNull();
        expect(await store.countRecoveryCodes(id('max'))).toBe(10);
        expect(await store.getSession(id('max'), `${id('max')}-s1`)).not.toBeNull();
        expect(await store.getSession(id('max'), `${id('max')}-s2`)).not.toBeNull();

        expect(await store.deleteFactor(id('ada'))).toBe(false);
      });

      it('returns false without a factor, and still removes a pending secret', async () => {
        await store.putPendingTotp({ userId: id('ada'), secret: 'p', expiresAt: later(1000) });
        expect(await store.deleteFactor(id('ada'))).toBe(false);
        expect(await store.getPendingTotp(id('ada'))).toBeNull();
      });

      it('racing activateTotp (a reset during a re-enrollment) ends with nothing left, never an error', async () => {
        for (let i = 0; i < 20; i++) {
          const user = id(`ada${i}`);
          await enroll(user, { secret: 'old' }, ['old-1']);
          await store.putPendingTotp({ userId: user, secret: 'new', expiresAt: later(1000) });
          const [, deleted] = await Promise.all([
            store.activateTotp(factor(user, { secret: 'new' }), 'new', ['new-1']),
            store.deleteFactor(user),
          ]);
          // Either order removes everything: the old factor or the new one it replaced.
          expect(deleted).toBe(true);
          expect(await store.getFactor(user)).toBeNull();
          expect(await store.getPendingTotp(user)).toBeNull();
          expect(await store.countRecoveryCodes(user)).toBe(0);
        }
      });

      it('lets a deleted user enroll again', async () => {
        await enroll(id('ada'), { lastUsedStep: STEP + 10 }, codes(id('ada')));
        await store.deleteFactor(id('ada'));
        const again = await enroll(id('ada'), { secret: 'again' }, ['a']);
        expect(await store.getFactor(id('ada'))).toEqual(again);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(1);
      });
    });

    describe('settleAttempt: consuming TOTP steps', () => {
      it('accepts only steps after the last one consumed', async () => {
        await enroll(id('ada'));
        expect(await consumeStep(id('ada'), STEP)).toBe(true);
        expect(await consumeStep(id('ada'), STEP)).toBe(false);
        expect(await consumeStep(id('ada'), STEP + 2)).toBe(true);
        // A lower step after a higher one is refused, though it was never used itself.
        expect(await consumeStep(id('ada'), STEP + 1)).toBe(false);
        expect(await consumeStep(id('ada'), STEP - 1)).toBe(false);
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBe(STEP + 2);
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
        expect(await store.getFactor(id('nobody'))).toBeNull();
      });

      it('returns true for exactly one of 50 concurrent callers with the same step', async () => {
        await enroll(id('ada'));
        for (const step of [STEP, STEP + 1, STEP + 5]) {
          const results = await times(50, () => consumeStep(id('ada'), step));
          expect(countTrue(results)).toBe(1);
        }
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBe(STEP + 5);
      });

      it('never goes back under concurrent callers with different steps', async () => {
        await enroll(id('ada'));
        const steps = Array.from({ length: 30 }, (_, i) => STEP + ((i * 7) % 30));
        const results = await Promise.all(steps.map((step) => consumeStep(id('ada'), step)));
        expect(results[steps.indexOf(STEP + 29)]).toBe(true);
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBe(STEP + 29);
      });
    });

    describe('recovery codes', () => {
      it('replaces all codes, consumes each once, and counts the unused', async () => {
        await store.replaceRecoveryCodes(id('ada'), ['a', 'b', 'c']);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(3);
        expect(await consumeCode(id('ada'), ['b'], T0)).toBe(true);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
        expect(await consumeCode(id('ada'), ['b'], later(1000))).toBe(false);
        expect(await consumeCode(id('ada'), ['nope'], T0)).toBe(false);
        expect(await consumeCode(id('ada'), [], T0)).toBe(false);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);

        await store.replaceRecoveryCodes(id('ada'), ['d', 'e']);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
        expect(await consumeCode(id('ada'), ['a'], T0)).toBe(false);
        expect(await consumeCode(id('ada'), ['e'], T0)).toBe(true);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(1);

        await store.replaceRecoveryCodes(id('ada'), []);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(0);
        expect(await consumeCode(id('ada'), ['d'], T0)).toBe(false);
      });

      it('a replacement makes used codes usable again only if they are in the new set', async () => {
        await store.replaceRecoveryCodes(id('ada'), ['a', 'b']);
        await consumeCode(id('ada'), ['a'], T0);
        await store.replaceRecoveryCodes(id('ada'), ['a', 'c']);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
        expect(await consumeCode(id('ada'), ['a'], T0)).toBe(true);
      });

      it("never consumes another user's code", async () => {
        await store.replaceRecoveryCodes(id('ada'), ['shared', 'a']);
        await store.replaceRecoveryCodes(id('max'), ['shared', 'm']);
        expect(await store.countRecoveryCodes(id('nobody'))).toBe(0);
        expect(await consumeCode(id('ada'), ['m'], T0)).toBe(false);
        expect(await consumeCode(id('ada'), ['shared'], T0)).toBe(true);
        expect(await store.countRecoveryCodes(id('max'))).toBe(2);
        expect(await consumeCode(id('max'), ['shared'], T0)).toBe(true);
        await store.replaceRecoveryCodes(id('max'), ['new']);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(1);
      });

      it('marks one code among the candidate hashes, skipping used ones', async () => {
        // Candidates are the hashes of one typed code under each key in use (rotation).
        await store.replaceRecoveryCodes(id('ada'), ['k1', 'k2', 'other']);
        expect(await consumeCode(id('ada'), ['k2'], T0)).toBe(true);
        expect(await consumeCode(id('ada'), ['k2', 'k1'], T0)).toBe(true);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(1);

        await store.replaceRecoveryCodes(id('ada'), ['x', 'y', 'z']);
        expect(await consumeCode(id('ada'), ['x', 'y'], T0)).toBe(true);
        expect(await store.countRecoveryCodes(id('ada'))).toBe(2);
      });

      it('countRecoveryCodeUsersByKey counts users with unused codes per key id', async () => {
        const before = await store.countRecoveryCodeUsersByKey();
        const k1 = `${prefix}k1`;
        const k2 = `${prefix}k2`;
        await store.replaceRecoveryCodes(id('ada'), [`${k1}.a`, `${k1}.b`]);
        await store.replaceRecoveryCodes(id('max'), [`${k1}.c`, `${k2}.d`]);
        await store.replaceRecoveryCodes(id('sam'), [`${k2}.e`]);
        await consumeCode(id('sam'), [`${k2}.e`], T0);
        const counts = await store.countRecoveryCodeUsersByKey();
        expect(counts.get(k1)).toBe(2);
        expect(counts.get(k2)).toBe(1);
        expect(before.has(k1)).toBe(false);
        expect((await store.recoveryCodeKeys(id('max'))).sort()).toEqual([k1, k2]);
        expect(await store.recoveryCodeKeys(id('sam'))).toEqual([]);
        expect(await store.recoveryCodeKeys(id('nobody'))).toEqual([]);
      });

      it('returns true for exactly one of 20 concurrent consumers of one code', async () => {
        await store.replaceRecoveryCodes(id('ada'), codes(id('ada')));
        const [first, second] = codes(id('ada'));
        for (const code of [first, second]) {
          const results = await times(20, (i) => consumeCode(id('ada'), [code ?? ''], later(i)));
          expect(countTrue(results)).toBe(1);
        }
        expect(await store.countRecoveryCodes(id('ada'))).toBe(8);
      });
    });

    describe('beginAttempt', () => {
      it('counts every attempt before it is judged, and locks from the threshold on', async () => {
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });
        for (let n = 1; n <= 4; n++) {
          expect(await store.beginAttempt(id('ada'), T0, SCHEDULE)).toEqual({ allowed: true, failures: n });
          expect(await store.getAttempts(id('ada'))).toEqual({ failures: n, lockedUntil: null });
        }
        expect(await store.beginAttempt(id('ada'), T0, SCHEDULE)).toEqual({ allowed: true, failures: 5 });
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
      });

      it('refuses while locked, says until when, and does not count the refusal', async () => {
        for (let n = 1; n <= 5; n++) await store.beginAttempt(id('ada'), T0, SCHEDULE);
        for (const at of [T0, later(10_000), later(28_999)]) {
          expect(await store.beginAttempt(id('ada'), at, SCHEDULE)).toEqual({
            allowed: false,
            lockedUntil: later(30_000),
          });
        }
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
        // The lock ends at lockedUntil itself.
        expect(await store.beginAttempt(id('ada'), later(30_000), SCHEDULE)).toEqual({
          allowed: true,
          failures: 6,
        });
        expect(await store.getAttempts(id('ada'))).toEqual({
          failures: 6,
          lockedUntil: later(30_000 + 60_000),
        });
      });

      it('doubles the lock from 30 s with each further failure, capped at the schedule cap', async () => {
        const expectedLocks = [
          30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
        ];
        let now = T0;
        for (let n = 1; n <= 4; n++) await store.beginAttempt(id('ada'), now, SCHEDULE);
        for (const [i, lockMs] of expectedLocks.entries()) {
          const grant = await store.beginAttempt(id('ada'), now, SCHEDULE);
          expect(grant).toEqual({ allowed: true, failures: 5 + i });
          const state = await store.getAttempts(id('ada'));
          expect(state.lockedUntil).toEqual(later(lockMs, now));
          // Just before the lock ends the user is refused; at its end they may try again.
          expect(await store.beginAttempt(id('ada'), later(lockMs - 1, now), SCHEDULE)).toMatchObject({
            allowed: false,
          });
          now = later(lockMs, now);
        }
        // Far past any doubling the lock stays at the cap (no overflow).
        for (let i = 0; i < 40; i++) {
          const grant = await store.beginAttempt(id('ada'), now, SCHEDULE);
          expect(grant.allowed).toBe(true);
          expect((await store.getAttempts(id('ada'))).lockedUntil).toEqual(later(3_600_000, now));
          now = later(3_600_000, now);
        }
        expect((await store.getAttempts(id('ada'))).failures).toBe(4 + expectedLocks.length + 40);
      });

      it('applies the schedule it is given', async () => {
        const powerOfTwoCap: LockSchedule = { threshold: 3, baseMs: 1000, capMs: 8000 };
        const ragged: LockSchedule = { threshold: 2, baseMs: 1000, capMs: 5000 };
        for (const [schedule, locks] of [
          [powerOfTwoCap, [0, 0, 1000, 2000, 4000, 8000, 8000]],
          [ragged, [0, 1000, 2000, 4000, 5000, 5000]],
        ] as const) {
          const user = id(`u${schedule.threshold}`);
          let now = T0;
          for (const lockMs of locks) {
            expect((await store.beginAttempt(user, now, schedule)).allowed).toBe(true);
            const { lockedUntil } = await store.getAttempts(user);
            expect(lockedUntil).toEqual(lockMs === 0 ? null : later(lockMs, now));
            now = later(lockMs, now);
          }
        }
      });

      it('lets exactly threshold (5) of 30 concurrent callers from 0 failures be judged', async () => {
        const grants = await times(30, () => store.beginAttempt(id('ada'), T0, SCHEDULE));
        const allowed = grants.filter((g): g is Extract<AttemptGrant, { allowed: true }> => g.allowed);
        expect(allowed).toHaveLength(5);
        expect(allowed.map((g) => g.failures).sort()).toEqual([1, 2, 3, 4, 5]);
        for (const grant of grants) {
          if (!grant.allowed) expect(grant.lockedUntil).toEqual(later(30_000));
        }
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
      });

      it('never refuses an unlocked user whose count a success clears at the same moment', async () => {
        // One instance's success (clearAttempts) meets another's attempt on the same user.
        for (let i = 0; i < 30; i++) {
          const user = id(`ada${i}`);
          await store.beginAttempt(user, T0, SCHEDULE);
          const [, grant] = await Promise.all([
            store.clearAttempts(user),
            store.beginAttempt(user, T0, SCHEDULE),
          ]);
          // Counted after the clear (1), or before it (2, then cleared to 0).
          expect(grant).toMatchObject({ allowed: true });
          const failures = grant.allowed ? grant.failures : -1;
          expect([1, 2]).toContain(failures);
          expect((await store.getAttempts(user)).failures).toBe(failures === 1 ? 1 : 0);
        }
      });

      it('clearAttempts resets the count and the lock, for that user only', async () => {
        for (let n = 1; n <= 6; n++) {
          await store.beginAttempt(id('ada'), T0, SCHEDULE);
          await store.beginAttempt(id('max'), T0, SCHEDULE);
        }
        await store.clearAttempts(id('ada'));
        await store.clearAttempts(id('nobody'));
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });
        expect(await store.beginAttempt(id('ada'), T0, SCHEDULE)).toEqual({ allowed: true, failures: 1 });
        expect(await store.getAttempts(id('max'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
        expect((await store.beginAttempt(id('max'), T0, SCHEDULE)).allowed).toBe(false);
      });
    });

    describe('settleAttempt', () => {
      const totp = (step: number | null, failureLimit = 100, user = id('ada')): AttemptProof => ({
        kind: 'totp',
        step,
        failureLimit,
        secret: `sealed-${user}`,
      });
      const recovery = (...hashes: string[]): AttemptProof => ({ kind: 'recovery', hashes });
      /** The result without its audit events (none are asked for here). */
      const attempt = async (
        user: string,
        proof: AttemptProof,
        at: Date = T0,
        session = id('s'),
      ): Promise<AttemptResult> => {
        const { events, ...result } = await store.settleAttempt({
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
        const failed = await store.settleAttempt({ ...input, proof: totp(null) });
        const used = await store.settleAttempt({
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
        const listed = await store.listAudit({ accountId: id('acme'), userIds: [], limit: 10 });
        expect(listed).toEqual([...used.events, ...failed.events]);
      });

      it('a step after the last one used verifies: consumed, failures cleared, session marked', async () => {
        await enroll(id('ada'), {}, codes(id('ada'), 3));
        expect(await attempt(id('ada'), totp(null))).toEqual({ outcome: 'invalid', failures: 1 });
        expect(await attempt(id('ada'), totp(STEP), later(1000))).toEqual({
          outcome: 'verified',
          recoveryCodesRemaining: 3,
        });
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBe(STEP);
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });
        expect(await store.getSession(id('ada'), id('s'))).toEqual({
          sessionId: id('s'),
          userId: id('ada'),
          verifiedAt: later(1000),
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
        expect(await store.getSession(id('ada'), id('s2'))).toBeNull();
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBe(STEP);
        // Without a factor there is no step to consume.
        expect(await attempt(id('nobody'), totp(STEP))).toEqual({ outcome: 'replayed', failures: 1 });
        expect(await store.getSession(id('nobody'), id('s'))).toBeNull();
      });

      it('locks from the threshold on; while locked nothing is judged or changed, not even a good code', async () => {
        await enroll(id('ada'));
        for (let n = 1; n <= 4; n++) {
          expect(await attempt(id('ada'), totp(null))).toEqual({ outcome: 'invalid', failures: n });
        }
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 4, lockedUntil: null });
        expect(await attempt(id('ada'), totp(null))).toEqual({ outcome: 'invalid', failures: 5 });
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
        for (const at of [T0, later(29_999)]) {
          expect(await attempt(id('ada'), totp(STEP), at)).toEqual({
            outcome: 'locked',
            lockedUntil: later(30_000),
          });
        }
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBeNull();
        expect(await store.getSession(id('ada'), id('s'))).toBeNull();
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
        // The lock ends at lockedUntil itself; the next failure doubles it.
        expect(await attempt(id('ada'), totp(null), later(30_000))).toEqual({
          outcome: 'invalid',
          failures: 6,
        });
        expect(await store.getAttempts(id('ada'))).toEqual({
          failures: 6,
          lockedUntil: later(30_000 + 60_000),
        });
        expect(await attempt(id('ada'), totp(STEP), later(90_000))).toMatchObject({ outcome: 'verified' });
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 0, lockedUntil: null });
      });

      it('refuses a TOTP code after failureLimit failures, however good; a recovery code still verifies', async () => {
        await enroll(id('ada'), {}, codes(id('ada'), 2));
        let now = T0;
        for (let n = 1; n <= 3; n++) {
          expect(await attempt(id('ada'), totp(null, 3), now)).toMatchObject({ failures: n });
          now = later(lockDurationOf(n), now);
        }
        expect(await attempt(id('ada'), totp(STEP, 3), now)).toEqual({ outcome: 'refused', failures: 4 });
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBeNull();
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
        expect(await store.countRecoveryCodes(id('max'))).toBe(3);
      });

      it('judges exactly threshold (5) of 30 concurrent wrong codes; the rest find the user locked', async () => {
        await enroll(id('ada'));
        const results = await times(30, () => attempt(id('ada'), totp(null)));
        const judged = results.filter((r) => r.outcome !== 'locked');
        expect(judged).toHaveLength(5);
        expect(judged.map((r) => ('failures' in r ? r.failures : 0)).sort()).toEqual([1, 2, 3, 4, 5]);
        expect(await store.getAttempts(id('ada'))).toEqual({ failures: 5, lockedUntil: later(30_000) });
      });

      it('verifies exactly one of 30 concurrent attempts with the same good step', async () => {
        await enroll(id('ada'));
        const results = await times(30, (i) => attempt(id('ada'), totp(STEP), T0, id(`s${i}`)));
        expect(results.filter((r) => r.outcome === 'verified')).toHaveLength(1);
        // The others are replays until the replays themselves lock the user.
        expect(results.filter((r) => r.outcome === 'replayed').length).toBeLessThanOrEqual(5);
        const sessions = await times(30, (i) => store.getSession(id('ada'), id(`s${i}`)));
        expect(sessions.filter((session) => session !== null)).toHaveLength(1);
      });
    });

    describe('sessions', () => {
      it('marks, reads and re-marks a verified session', async () => {
        expect(await store.getSession(id('ada'), id('s1'))).toBeNull();
        await store.markSessionVerified({ sessionId: id('s1'), userId: id('ada'), verifiedAt: T0 });
        expect(await store.getSession(id('ada'), id('s1'))).toEqual({
          sessionId: id('s1'),
          userId: id('ada'),
          verifiedAt: T0,
        });
        await store.markSessionVerified({ sessionId: id('s1'), userId: id('ada'), verifiedAt: later(5000) });
        expect((await store.getSession(id('ada'), id('s1')))?.verifiedAt).toEqual(later(5000));
      });

      it('keeps the same session id of two users apart', async () => {
        await store.markSessionVerified({ sessionId: id('shared'), userId: id('ada'), verifiedAt: T0 });
        expect(await store.getSession(id('max'), id('shared'))).toBeNull();
        await store.markSessionVerified({
          sessionId: id('shared'),
          userId: id('max'),
          verifiedAt: later(1000),
        });
        expect(await store.getSession(id('ada'), id('shared'))).toEqual({
          sessionId: id('shared'),
          userId: id('ada'),
          verifiedAt: T0,
        });
        expect((await store.getSession(id('max'), id('shared')))?.verifiedAt).toEqual(later(1000));
        await store.endSessions(id('max'));
        expect(await store.getSession(id('ada'), id('shared'))).not.toBeNull();
        expect(await store.getSession(id('max'), id('shared'))).toBeNull();
      });

      it("endSessions ends every session of that user and nobody else's", async () => {
        await store.markSessionVerified({ sessionId: id('ada-1'), userId: id('ada'), verifiedAt: T0 });
        await store.markSessionVerified({ sessionId: id('ada-2'), userId: id('ada'), verifiedAt: T0 });
        await store.markSessionVerified({ sessionId: id('max-1'), userId: id('max'), verifiedAt: T0 });
        await store.endSessions(id('ada'));
        await store.endSessions(id('nobody'));
        expect(await store.getSession(id('ada'), id('ada-1'))).toBeNull();
        expect(await store.getSession(id('ada'), id('ada-2'))).toBeNull();
        expect(await store.getSession(id('max'), id('max-1'))).toEqual({
          sessionId: id('max-1'),
          userId: id('max'),
          verifiedAt: T0,
        });
      });
    });

    describe('sessions end when trust changes', () => {
      const mark = (user: string, session: string, at = T0) =>
        store.markSessionVerified({ sessionId: id(session), userId: id(user), verifiedAt: at });
      const verified = async (user: string, session: string) =>
        (await store.getSession(id(user), id(session))) !== null;

      it("activateTotp ends every verified session of the user, marks the given one, and no one else's", async () => {
        await enroll(id('ada'), { secret: 'old' });
        await mark('ada', 'thief');
        await mark('ada', 'laptop');
        await mark('max', 'max-1');
        await store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
        const session = { sessionId: id('phone'), userId: id('ada'), verifiedAt: later(500) };
        const replacement = factor(id('ada'), { secret: 'new' });
        expect(await store.activateTotp(replacement, 'new', ['c-1'], undefined, session)).toBe(true);
        expect(await verified('ada', 'thief')).toBe(false);
        expect(await verified('ada', 'laptop')).toBe(false);
        expect(await store.getSession(id('ada'), id('phone'))).toEqual(session);
        expect(await verified('max', 'max-1')).toBe(true);
      });

      it('activateTotp that finds its setup replaced ends no session', async () => {
        await enroll(id('ada'), { secret: 'old' });
        await mark('ada', 'laptop');
        await store.putPendingTotp({ userId: id('ada'), secret: 'other', expiresAt: later(1000) });
        const session = { sessionId: id('phone'), userId: id('ada'), verifiedAt: T0 };
        expect(
          await store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', [], undefined, session),
        ).toBe(false);
        expect(await verified('ada', 'laptop')).toBe(true);
        expect(await verified('ada', 'phone')).toBe(false);
      });

      it("replaceRecoveryCodes ends every verified session of the user but the one kept, and no one else's", async () => {
        await enroll(id('ada'));
        await mark('ada', 'here');
        await mark('ada', 'thief');
        await mark('max', 'max-1');
        await store.replaceRecoveryCodes(id('ada'), ['a', 'b'], undefined, id('here'));
        expect(await verified('ada', 'here')).toBe(true);
        expect(await verified('ada', 'thief')).toBe(false);
        expect(await verified('max', 'max-1')).toBe(true);
        // Without a session to keep, all of them end.
        await store.replaceRecoveryCodes(id('ada'), ['c'], undefined);
        expect(await verified('ada', 'here')).toBe(false);
      });

      it('endSession ends that one session of that user only', async () => {
        await mark('ada', 's1');
        await mark('ada', 's2');
        await mark('max', 's1');
        await store.endSession(id('ada'), id('s1'));
        await store.endSession(id('nobody'), id('s1'));
        expect(await verified('ada', 's1')).toBe(false);
        expect(await verified('ada', 's2')).toBe(true);
        expect(await verified('max', 's1')).toBe(true);
      });

      it('settleAttempt consumes a TOTP step only on the secret it was judged against', async () => {
        // The code was judged against the old secret; the factor was replaced meanwhile.
        await enroll(id('ada'), { secret: 'old' });
        await store.putPendingTotp({ userId: id('ada'), secret: 'new', expiresAt: later(1000) });
        expect(await store.activateTotp(factor(id('ada'), { secret: 'new' }), 'new', [])).toBe(true);
        expect(await consumeStep(id('ada'), STEP, 'old')).toBe(false);
        expect((await store.getFactor(id('ada')))?.lastUsedStep).toBeNull();
        expect(await store.getSession(id('ada'), id('ada-step'))).toBeNull();
        expect(await consumeStep(id('ada'), STEP, 'new')).toBe(true);
      });
    });

    describe('pruneExpired', () => {
      // Long before anything the other tests write, so that a store shared with them (one
      // PostgreSQL database) loses none of their rows here.
      const OLD = new Date('2001-01-01T00:00:00Z');
      const old = (ms: number) => new Date(OLD.getTime() + ms);
      const prune = (limit = 100) =>
        store.pruneExpired({
          now: old(10_000),
          sessionsBefore: old(10_000),
          attemptsBefore: old(10_000),
          keepFailures: 100,
          limit,
        });

      it('removes expired setups, sessions and idle failure counts, and keeps the rest', async () => {
        await store.putPendingTotp({ userId: id('gone'), secret: 's', expiresAt: old(1000) });
        await store.putPendingTotp({ userId: id('kept'), secret: 's', expiresAt: later(600_000) });
        await store.markSessionVerified({ sessionId: id('gone'), userId: id('ada'), verifiedAt: old(1000) });
        await store.markSessionVerified({ sessionId: id('kept'), userId: id('ada'), verifiedAt: T0 });
        // Failure counts, through the only ways a store counts them.
        await store.beginAttempt(id('idle'), old(1000), SCHEDULE);
        for (let i = 0; i < 100; i++)
          await store.beginAttempt(id('refused'), old(i), { ...SCHEDULE, threshold: 1000 });
        await store.beginAttempt(id('recent'), T0, SCHEDULE);

        expect(await prune()).toBeGreaterThanOrEqual(3);
        expect(await store.getPendingTotp(id('gone'))).toBeNull();
        expect(await store.getPendingTotp(id('kept'))).not.toBeNull();
        expect(await store.getSession(id('ada'), id('gone'))).toBeNull();
        expect(await store.getSession(id('ada'), id('kept'))).not.toBeNull();
        expect((await store.getAttempts(id('idle'))).failures).toBe(0);
        // A user refused app codes after 100 failures stays so until a recovery code.
        expect((await store.getAttempts(id('refused'))).failures).toBe(100);
        expect((await store.getAttempts(id('recent'))).failures).toBe(1);
      });

      it('removes at most `limit` rows of each kind a call', async () => {
        for (let i = 0; i < 5; i++) {
          await store.markSessionVerified({ sessionId: id(`s${i}`), userId: id('ada'), verifiedAt: old(i) });
        }
        await prune(2);
        const left = async () => {
          let n = 0;
          for (let i = 0; i < 5; i++) if (await store.getSession(id('ada'), id(`s${i}`))) n++;
          return n;
        };
        expect(await left()).toBe(3);
        await prune(2);
        await prune(2);
        expect(await left()).toBe(0);
      });

      it('counts the failures of settleAttempt as recent', async () => {
        await enroll(id('ada'));
        await store.settleAttempt({
          userId: id('ada'),
          sessionId: id('s'),
          now: old(1000),
          schedule: SCHEDULE,
          proof: { kind: 'recovery', hashes: [] },
        });
        await store.settleAttempt({
          userId: id('max'),
          sessionId: id('s'),
          now: T0,
          schedule: SCHEDULE,
          proof: { kind: 'recovery', hashes: [] },
        });
        await prune();
        expect((await store.getAttempts(id('ada'))).failures).toBe(0);
        expect((await store.getAttempts(id('max'))).failures).toBe(1);
      });
    });

    describe('grace', () => {
      it('startGrace keeps the first start, per account and user', async () => {
        expect(await store.startGrace(id('acme'), id('max'), later(1000))).toEqual(later(1000));
        expect(await store.startGrace(id('acme'), id('max'), later(9000))).toEqual(later(1000));
        // The first start stays even against an earlier one (that is what forfeitGrace is for).
        expect(await store.startGrace(id('acme'), id('max'), T0)).toEqual(later(1000));
        expect(await store.startGrace(id('contoso'), id('max'), later(5000))).toEqual(later(5000));
        expect(await store.startGrace(id('acme'), id('sam'), later(7000))).toEqual(later(7000));
      });

      it('getGraceStarts answers for the listed users of that account only', async () => {
        await store.startGrace(id('acme'), id('max'), later(1000));
        await store.startGrace(id('acme'), id('sam'), later(2000));
        await store.startGrace(id('acme'), id('ada'), later(3000));
        await store.startGrace(id('contoso'), id('cleo'), later(4000));

        const starts = await store.getGraceStarts(id('acme'), [
          id('max'),
          id('sam'),
          id('cleo'),
          id('nobody'),
        ]);
        expect(starts).toEqual(
          new Map([
            [id('max'), later(1000)],
            [id('sam'), later(2000)],
          ]),
        );
        expect(await store.getGraceStarts(id('acme'), [])).toEqual(new Map());
        expect(await store.getGraceStarts(id('contoso'), [id('max')])).toEqual(new Map());
      });

      it('startGrace keeps the first start of 20 concurrent callers', async () => {
        const offered = Array.from({ length: 20 }, (_, i) => later(i * 1000));
        const starts = await Promise.all(offered.map((at) => store.startGrace(id('acme'), id('max'), at)));
        const first = starts[0];
        expect(first).toBeInstanceOf(Date);
        for (const start of starts) expect(start).toEqual(first);
        expect(offered.map((at) => at.getTime())).toContain(first?.getTime());
        expect((await store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(first);
      });

      it('forfeitGrace moves a start earlier, never later, and creates one where none was', async () => {
        await store.startGrace(id('acme'), id('max'), later(10_000));
        await store.startGrace(id('contoso'), id('max'), later(1000));
        await store.startGrace(id('acme'), id('sam'), later(10_000));

        await store.forfeitGrace(id('max'), [id('acme'), id('contoso'), id('solo')], later(5000));

        expect(await store.getGraceStarts(id('acme'), [id('max'), id('sam')])).toEqual(
          new Map([
            [id('max'), later(5000)],
            [id('sam'), later(10_000)],
          ]),
        );
        expect((await store.getGraceStarts(id('contoso'), [id('max')])).get(id('max'))).toEqual(later(1000));
        expect((await store.getGraceStarts(id('solo'), [id('max')])).get(id('max'))).toEqual(later(5000));
        expect(await store.getGraceStarts(id('other'), [id('max')])).toEqual(new Map());

        await store.forfeitGrace(id('max'), [id('acme')], later(60_000));
        expect((await store.getGraceStarts(id('acme'), [id('max')])).get(id('max'))).toEqual(later(5000));
        await store.forfeitGrace(id('max'), [], T0);
        // A later startGrace does not undo a forfeit.
        expect(await store.startGrace(id('acme'), id('max'), later(90_000))).toEqual(later(5000));
      });
    });

    describe('meta', () => {
      it('has no value before the first write, and inserts with expected null exactly once', async () => {
        expect(await store.getMeta(id('key'))).toBeNull();
        expect(await store.putMeta(id('key'), 'first', null)).toBe(true);
        expect(await store.getMeta(id('key'))).toBe('first');
        expect(await store.putMeta(id('key'), 'second', null)).toBe(false);
        expect(await store.getMeta(id('key'))).toBe('first');
      });

      it('replaces a value only from the expected one, and keeps keys apart', async () => {
        await store.putMeta(id('key'), 'v1', null);
        await store.putMeta(id('other'), 'o1', null);
        expect(await store.putMeta(id('key'), 'v2', 'stale')).toBe(false);
        expect(await store.getMeta(id('key'))).toBe('v1');
        expect(await store.putMeta(id('key'), 'v2', 'v1')).toBe(true);
        expect(await store.getMeta(id('key'))).toBe('v2');
        expect(await store.putMeta(id('missing'), 'x', 'v1')).toBe(false);
        expect(await store.getMeta(id('missing'))).toBeNull();
        expect(await store.getMeta(id('other'))).toBe('o1');
      });

      it('keeps a long value exactly, and keeps it through migrate', async () => {
        const value = `v1.${'a'.repeat(12)}.${'b'.repeat(16)}.${'c-_'.repeat(40)}`;
        await store.putMeta(id('key'), value, null);
        await store.migrate();
        expect(await store.getMeta(id('key'))).toBe(value);
      });

      it('lets exactly one of 20 concurrent first writers win, and keeps its value', async () => {
        const won = await times(20, (i) => store.putMeta(id('key'), `value-${i}`, null));
        expect(countTrue(won)).toBe(1);
        expect(await store.getMeta(id('key'))).toBe(`value-${won.indexOf(true)}`);
      });

      it('lets exactly one of 20 concurrent writers with the same expectation win', async () => {
        await store.putMeta(id('key'), 'old', null);
        const won = await times(20, (i) => store.putMeta(id('key'), `new-${i}`, 'old'));
        expect(countTrue(won)).toBe(1);
        expect(await store.getMeta(id('key'))).toBe(`new-${won.indexOf(true)}`);
      });
    });

    describe('audit', () => {
      const event = (overrides: Partial<AuditEventInput>): AuditEventInput => ({
        type: 'policy.updated',
        actorId: id('ada'),
        userId: null,
        accountId: null,
        before: null,
        after: null,
        at: T0,
        ...overrides,
      });

      it('appendAudit returns the event with a new id, and listAudit gives it back unchanged', async () => {
        const input = event({
          type: 'mfa.reset',
          actorId: null,
          userId: id('max'),
          accountId: id('acme'),
          before: { enrolled: true, accounts: ['a', 'b'] },
          after: { enrolled: false },
          at: later(42),
        });
        const stored = await store.appendAudit(input);
        expect(typeof stored.id).toBe('string');
        expect(stored.id).not.toBe('');
        expect(stored).toEqual({ ...input, id: stored.id });
        expect(await store.listAudit({ accountId: id('acme'), userIds: [], limit: 10 })).toEqual([stored]);
      });

      it('gives concurrent appends distinct ids', async () => {
        const stored = await times(20, (i) =>
          store.appendAudit(event({ accountId: id('acme'), after: { i } })),
        );
        expect(new Set(stored.map((e) => e.id)).size).toBe(20);
        const listed = await store.listAudit({ accountId: id('acme'), userIds: [], limit: 100 });
        expect(listed).toHaveLength(20);
      });

      it("lists newest first the account's events and the listed users' own events only", async () => {
        const [acme, contoso] = [id('acme'), id('contoso')];
        const [ada, max, outsider] = [id('ada'), id('max'), id('outsider')];
        const append = (e: Partial<AuditEventInput>) => store.appendAudit(event(e));

        const e1 = await append({ accountId: acme, userId: null });
        const e2 = await append({ type: 'mfa.enrolled', userId: ada });
        const e3 = await append({ accountId: contoso, userId: ada });
        await append({ type: 'mfa.enrolled', userId: outsider });
        const e5 = await append({ type: 'mfa.reset', accountId: acme, userId: outsider });
        await append({ type: 'mfa.reset', actorId: null });
        const e7 = await append({ type: 'recovery_code.used', userId: max });
        const e8 = await append({ accountId: contoso, userId: null });
        const e9 = await append({ type: 'challenge.failed', accountId: acme, userId: max });

        const listed = await store.listAudit({ accountId: acme, userIds: [ada, max], limit: 100 });
        expect(listed).toEqual([e9, e7, e5, e2, e1]);

        const accountOnly = await store.listAudit({ accountId: acme, userIds: [], limit: 100 });
        expect(accountOnly.map((e) => e.id)).toEqual([e9.id, e5.id, e1.id]);

        const other = await store.listAudit({ accountId: contoso, userIds: [max], limit: 100 });
        expect(other).toEqual([e8, e7, e3]);

        expect(
          await store.listAudit({ accountId: id('empty'), userIds: [id('nobody')], limit: 100 }),
        ).toEqual([]);
      });

      it('pages with beforeId and limit through every event exactly once', async () => {
        const acme = id('acme');
        const users = [id('ada'), id('max')];
        const mine: AuditEvent[] = [];
        for (let i = 0; i < 23; i++) {
          const kind = i % 3;
          mine.push(
            await store.appendAudit(
              kind === 0
                ? event({ accountId: acme, after: { i } })
                : event({ type: 'mfa.enrolled', userId: users[kind - 1] ?? null, after: { i } }),
            ),
          );
          // Noise the listing must skip.
          await store.appendAudit(event({ accountId: id('contoso'), after: { i } }));
          await store.appendAudit(event({ type: 'mfa.enrolled', userId: id('outsider'), after: { i } }));
        }
        const everything = await store.listAudit({ accountId: acme, userIds: users, limit: 1000 });
        expect(everything.map((e) => e.id)).toEqual(mine.map((e) => e.id).reverse());
        expect(await store.listAudit({ accountId: acme, userIds: users, limit: 4 })).toEqual(
          everything.slice(0, 4),
        );

        const walked: AuditEvent[] = [];
        const pageSizes: number[] = [];
        let cursor: string | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await store.listAudit({
            accountId: acme,
            userIds: users,
            limit: 5,
            ...(cursor === undefined ? {} : { beforeId: cursor }),
          });
          pageSizes.push(page.length);
          walked.push(...page);
          const last = page.at(-1);
          if (!last || page.length < 5) break;
          cursor = last.id;
        }
        expect(pageSizes).toEqual([5, 5, 5, 5, 3]);
        expect(walked).toEqual(everything);
        expect(new Set(walked.map((e) => e.id)).size).toBe(23);

        const lastId = everything.at(-1)?.id;
        expect(lastId).toBeDefined();
        if (lastId !== undefined) {
          expect(
            await store.listAudit({ accountId: acme, userIds: users, beforeId: lastId, limit: 5 }),
          ).toEqual([]);
        }
      });
    });

    describe('audit written with a change', () => {
      const event = (type: AuditEventInput['type'], after: unknown = null): AuditEventInput => ({
        type,
        actorId: id('ada'),
        userId: id('ada'),
        accountId: id('acme'),
        before: null,
        after,
        at: T0,
      });
      /** An AuditWrite that keeps what the store reports stored. */
      const write = (events: AuditWrite['events']) => {
        const reported: AuditEvent[][] = [];
        return { write: { events, stored: (stored: AuditEvent[]) => reported.push(stored) }, reported };
      };
      const listed = () => store.listAudit({ accountId: id('acme'), userIds: [], limit: 50 });

      it('putPolicy appends its events when it writes, and none when the version is stale', async () => {
        const first = write([event('policy.updated', { v: 1 })]);
        expect(await store.putPolicy(policy(id('acme'), 1), 0, first.write)).toBe(true);
        expect(first.reported).toEqual([
          [expect.objectContaining({ type: 'policy.updated', after: { v: 1 } })],
        ]);
        const stale = write([event('policy.updated', { v: 'stale' })]);
        expect(await store.putPolicy(policy(id('acme'), 2), 0, stale.write)).toBe(false);
        expect(stale.reported).toEqual([]);
        expect(await listed()).toEqual(first.reported[0]);
      });

      it('activateTotp appends its events when it activates, and none for a replaced setup', async () => {
        const active = factor(id('ada'));
        await store.putPendingTotp({ userId: id('ada'), secret: active.secret, expiresAt: later(1000) });
        const replaced = write([event('mfa.enrolled', 'replaced')]);
        expect(await store.activateTotp(active, 'another-secret', [], replaced.write)).toBe(false);
        const enrolled = write([event('mfa.enrolled')]);
        expect(await store.activateTotp(active, active.secret, codes(id('ada')), enrolled.write)).toBe(true);
        expect(replaced.reported).toEqual([]);
        expect(await listed()).toEqual(enrolled.reported[0]);
        expect(enrolled.reported[0]).toHaveLength(1);
      });

      it('deleteFactor and replaceRecoveryCodes append theirs; a function of the result gives them', async () => {
        await enroll(id('ada'));
        const regenerated = write([event('recovery_codes.regenerated')]);
        await store.replaceRecoveryCodes(id('ada'), codes(id('ada')), regenerated.write);
        const results: unknown[] = [];
        const removal = (result: unknown) => {
          results.push(result);
          return [event('mfa.reset', { existed: result })];
        };
        const removed = write(removal);
        expect(await store.deleteFactor(id('ada'), removed.write)).toBe(true);
        const again = write(removal);
        expect(await store.deleteFactor(id('ada'), again.write)).toBe(false);
        expect(results).toEqual([true, false]);
        expect((await listed()).map((e) => [e.type, e.after])).toEqual([
          ['mfa.reset', { existed: false }],
          ['mfa.reset', { existed: true }],
          ['recovery_codes.regenerated', null],
        ]);
        expect(again.reported[0]?.[0]?.id).toBeDefined();
      });
    });

    describe('accounts of many members', () => {
      // More ids than SQLite (32,766) or PostgreSQL (65,535) binds in one statement.
      const many = (label: string) => Array.from({ length: 70_000 }, (_, i) => id(`${label}${i}`));

      it('getFactors and getGraceStarts answer for 70,000 users at once', async () => {
        const users = many('m');
        const picked = [users[3], users[34_000], users[69_999]] as string[];
        for (const user of picked) await enroll(user);
        for (const [i, user] of picked.entries()) await store.startGrace(id('big'), user, later(i * 1000));
        const factors = await store.getFactors(users);
        expect(factors.map((f) => f.userId).sort()).toEqual([...picked].sort());
        const starts = await store.getGraceStarts(id('big'), users);
        expect(starts).toEqual(new Map(picked.map((user, i) => [user, later(i * 1000)])));
      });

      it("listAudit pages through the account's and 70,000 members' events, newest first", async () => {
        const users = many('a');
        const appended: AuditEvent[] = [];
        for (const [n, user] of [users[10], users[40_000], users[69_998], users[2_000]].entries()) {
          appended.push(
            await store.appendAudit({
              type: 'mfa.enrolled',
              actorId: user as string,
              userId: user as string,
              accountId: null,
              before: null,
              after: { n },
              at: T0,
            }),
          );
          appended.push(
            await store.appendAudit({
              type: 'policy.updated',
              actorId: id('ada'),
              userId: null,
              accountId: id('big'),
              before: null,
              after: { n },
              at: T0,
            }),
          );
        }
        const newest = [...appended].reverse();
        const first = await store.listAudit({ accountId: id('big'), userIds: users, limit: 3 });
        expect(first).toEqual(newest.slice(0, 3));
        const rest = await store.listAudit({
          accountId: id('big'),
          userIds: users,
          limit: 10,
          beforeId: first.at(-1)?.id as string,
        });
        expect(rest).toEqual(newest.slice(3));
      });
    });
  });
}
