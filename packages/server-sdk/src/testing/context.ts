/**
 * What every file of the store conformance suite shares: a fresh store per test
 * (`t.store`), ids unique to the test (`t.id`), and the few ways a test gives a
 * user a factor or consumes a proof.
 *
 * Each `it` gets a fresh store from `makeStore`, and every id it writes carries a
 * prefix unique to the test, so a store whose data outlives a test (a shared
 * PostgreSQL database) still answers each test only with that test's rows.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import type { PolicyRecord, TotpFactorRecord } from '../model.ts';
import type { AttemptProof, LockSchedule, MfaStore } from '../store/store.ts';

export interface StoreConformanceOptions {
  /** Runs after each test, once its store is closed (remove files, truncate tables). */
  cleanup?: () => Promise<void>;
}

export const T0 = new Date('2026-03-02T10:00:00.123Z');
/** A realistic TOTP time step (epoch seconds / 30 around T0). */
export const STEP = Math.floor(T0.getTime() / 30_000);
export const SCHEDULE: LockSchedule = { threshold: 5, baseMs: 30_000, capMs: 3_600_000 };

export const later = (ms: number, from: Date = T0) => new Date(from.getTime() + ms);
export const times = <T>(n: number, make: (i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: n }, (_, i) => make(i)));
export const countTrue = (results: readonly boolean[]) => results.filter(Boolean).length;
/** The lock SCHEDULE sets after `failures` consecutive failures. */
export const lockDurationOf = (failures: number) =>
  failures < SCHEDULE.threshold
    ? 0
    : Math.min(SCHEDULE.capMs, SCHEDULE.baseMs * 2 ** (failures - SCHEDULE.threshold));

export type ConformanceContext = ReturnType<typeof conformanceContext>;

/** Registers the per-test store and answers what the tests share; call inside a `describe`. */
export function conformanceContext(
  makeStore: () => Promise<MfaStore> | MfaStore,
  options: StoreConformanceOptions = {},
) {
  let store: MfaStore | undefined;
  let closed = false;
  let prefix = '';

  beforeEach(async () => {
    prefix = `t${crypto.randomUUID().slice(0, 8)}`;
    closed = false;
    store = await makeStore();
    await store.migrate();
  });

  afterEach(async () => {
    if (!closed) await store?.close();
    await options.cleanup?.();
  });

  const t = {
    /** This test's store. */
    get store(): MfaStore {
      if (!store) throw new Error('no store outside a test');
      return store;
    },
    /** The test closes the store itself. */
    keepOpen() {
      closed = true;
    },
    /** What every id of this test begins with. */
    get prefix(): string {
      return prefix;
    },
    /** An id that belongs to this test only. */
    id: (label: string) => `${prefix}-${label}`,
    policy: (accountId: string, version: number, overrides: Partial<PolicyRecord> = {}): PolicyRecord => ({
      accountId,
      mode: 'required_all',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      allowedFactors: 'any',
      rememberDeviceDays: 0,
      enforceFrom: null,
      version,
      updatedAt: later(version * 1000),
      updatedBy: t.id('admin'),
      ...overrides,
    }),
    factor: (userId: string, overrides: Partial<TotpFactorRecord> = {}): TotpFactorRecord => ({
      userId,
      secret: `sealed-${userId}`,
      lastUsedStep: null,
      createdAt: T0,
      ...overrides,
    }),
    /** Gives the user an active factor the only way a store allows: pending, then activated. */
    enroll: async (userId: string, overrides: Partial<TotpFactorRecord> = {}, codes: string[] = []) => {
      const active = t.factor(userId, overrides);
      await t.store.putPendingTotp({ userId, secret: active.secret, expiresAt: later(600_000) });
      expect(await t.store.activateTotp(active, active.secret, codes)).toBe(true);
      return active;
    },
    /** A schedule that never locks: the consumption tests judge proofs, not the back-off. */
    NO_LOCK: { threshold: Number.MAX_SAFE_INTEGER, baseMs: 1, capMs: 1 } as LockSchedule,
    /** Consumes a TOTP step through `settleAttempt`; true when it verified. */
    consumeStep: async (userId: string, step: number, secret = `sealed-${userId}`) => {
      const { outcome } = await t.store.settleAttempt({
        userId,
        sessionId: `${userId}-step`,
        now: T0,
        schedule: t.NO_LOCK,
        proof: totpProof(step, secret, Number.MAX_SAFE_INTEGER),
      });
      return outcome === 'verified';
    },
    /** Consumes one of the candidate hashes of a recovery code through `settleAttempt`; true when it verified. */
    consumeCode: async (userId: string, hashes: readonly string[], at: Date) => {
      const { outcome } = await t.store.settleAttempt({
        userId,
        sessionId: `${userId}-code`,
        now: at,
        schedule: t.NO_LOCK,
        proof: { kind: 'recovery', hashes },
      });
      return outcome === 'verified';
    },
    /** Counts a failure for the user at `at`, the way the SDK does: a wrong recovery code. */
    fail: (userId: string, at: Date, schedule: LockSchedule = SCHEDULE) =>
      t.store.settleAttempt({
        userId,
        sessionId: `${userId}-wrong`,
        now: at,
        schedule,
        proof: { kind: 'recovery', hashes: [] },
      }),
    codes: (userId: string, n = 10) => Array.from({ length: n }, (_, i) => `hash-${userId}-${i}`),
  };
  return t;
}

/**
 * An app code's proof as a test makes it: the code is for `step` when the app's sealed
 * secret (as the store reads it in its transaction) is `secret`; for no step otherwise, or
 * when `step` is `null`.
 */
export function totpProof(step: number | null, secret: string, failureLimit = 100): AttemptProof {
  return { kind: 'totp', failureLimit, match: (sealed) => (sealed === secret ? step : null) };
}
