/**
 * What a host expects of the edges. Signing out must end the verification of
 * that session (else a session id reused or stolen after sign-out is still
 * verified); rows that expired must not pile up for ever (pending setups, old
 * verified sessions, idle failure counts), pruned in bounded steps as writes go;
 * a host that asks for a decision without anyone signed in gets a denial, not a
 * TypeError; and a cache bound an operator cannot reason about (minutes of stale
 * trust) is refused at start-up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MfaConfigError, type MfaStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import {
  createHarness,
  expectError,
  type Harness,
  sessionVerified,
  storeFactories,
  tempFolder,
} from '../support.ts';

const open: Harness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.mfa.close();
});
const harness = (...args: Parameters<typeof createHarness>) => {
  const h = createHarness(...args);
  open.push(h);
  return h;
};

describe.each(storeFactories)('on the %s store', (_name, makeStore) => {
  it("mfa.endSession ends that session's verification at once, and no other", async () => {
    const h = harness({ store: makeStore(), policyCacheTtl: 5 });
    await h.enroll('max');
    await h.verify('max', 'max-s2');
    // Both remembered by this instance's cache.
    for (const session of ['max-s1', 'max-s2'])
      expect((await h.json('GET', '/accounts/acme/area', { as: 'max', session })).status).toBe(200);
    await h.mfa.endSession('max', 'max-s1');
    expectError(await h.json('GET', '/accounts/acme/area', { as: 'max' }), 'challenge_required');
    expect(await sessionVerified(h, 'max', 'max-s1')).toBe(false);
    expect((await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-s2' })).status).toBe(200);
  });

  it('prunes expired setups, sessions and idle failure counts as writes go', async () => {
    const store: MfaStore = makeStore();
    const h = harness({ store });
    await h.mfa.ready();
    const longAgo = new Date(h.clock.now.getTime() - 40 * 86_400_000);
    await store.putPendingTotp({ userId: 'olga', secret: 'x', expiresAt: longAgo });
    await store.markSessionVerified({
      sessionId: 'old',
      userId: 'olga',
      verifiedAt: longAgo,
      method: 'totp',
    });
    // A wrong recovery code counted 40 days ago.
    await store.settleAttempt({
      userId: 'olga',
      sessionId: 'old',
      now: longAgo,
      schedule: { threshold: 5, baseMs: 30_000, capMs: 3_600_000 },
      proof: { kind: 'recovery', hashes: [] },
    });
    // Writes of the instance (setups started and not finished), until a prune has run.
    for (let i = 0; i < 40; i++)
      expect((await h.json('POST', '/mfa/me/totp/setup', { as: 'max' })).status).toBe(200);
    expect(await store.getPendingTotp('olga')).toBeNull();
    expect(await store.getSession('olga', 'old')).toBeNull();
    expect((await store.getAttempts('olga')).failures).toBe(0);
    expect(await store.getPendingTotp('max')).not.toBeNull();
  });
});

describe('across instances that share an SQLite file', () => {
  let folder: ReturnType<typeof tempFolder> | undefined;
  afterEach(() => folder?.cleanup());

  it('a session ended on one instance is unverified on another within policyCacheTtl', async () => {
    folder = tempFolder();
    const a = harness({ store: sqliteStore({ filename: folder.file() }), policyCacheTtl: 1 });
    const b = harness({ store: sqliteStore({ filename: folder.file() }), policyCacheTtl: 0 });
    await b.enroll('max');
    a.clock.now = new Date(b.clock.now);
    expect((await a.json('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    await b.mfa.endSession('max', 'max-s1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectError(await a.json('GET', '/accounts/acme/area', { as: 'max' }), 'challenge_required');
  });
});

describe('mfa.evaluate without a principal', () => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['an object without a user id', {}],
  ])('denies %s as unauthenticated, never throws', async (_label, principal) => {
    const h = harness();
    await expect(h.mfa.evaluate({ principal: principal as never, accountId: 'acme' })).resolves.toStrictEqual(
      { allow: false, reason: 'unauthenticated' },
    );
  });
});

describe('policyCacheTtl', () => {
  it.each([61, 3600, -1, Number.NaN])('refuses %s at start-up', (policyCacheTtl) => {
    expect(() => createHarness({ policyCacheTtl })).toThrow(MfaConfigError);
  });

  it.each([0, 5, 60])('accepts %s', (policyCacheTtl) => {
    expect(() => harness({ policyCacheTtl })).not.toThrow();
  });
});
