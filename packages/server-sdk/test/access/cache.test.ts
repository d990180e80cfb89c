/**
 * What an instance remembers of the store, and for how long. To keep a guarded
 * request of a verified user free of store calls, each instance remembers
 * policies, whether a user has MFA, verified sessions and grace starts for at
 * most `policyCacheTtl`. The danger is an instance letting someone in on what it
 * remembers after MFA was removed or reset, or refusing someone who just
 * verified. The rules tested here (DESIGN: "the instance that writes sees it at
 * once; every other instance within policyCacheTtl"):
 * - the instance that resets or removes MFA, or verifies a session, decides on
 *   the new state at once, even when a read begun before its write ends after it;
 * - another instance on the same store decides on it within policyCacheTtl,
 *   never later;
 * - a denial is never made on remembered state, so a user who verified or
 *   enrolled on another instance is let in at once;
 * - once remembered, a decision costs no store call, and a grace period whose
 *   start is known costs no store write.
 * - the members list of an account, kept with the store's facts version, shows another
 *   instance's write of enrollments or grace starts at its next page (the version moved),
 *   and costs no read of the account's facts past policyCacheTtl while it has not.
 * Every instance here shares one store, as instances of a host share a database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MfaStore, memoryStore, type Principal } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, defaultDirectory, type Harness, spiedOn } from '../support.ts';

const TTL_SECONDS = 5;
const folders: string[] = [];

const stores: [name: string, open: () => { store: MfaStore; again: () => MfaStore }][] = [
  [
    'memory',
    () => {
      const store = memoryStore();
      return { store, again: () => store };
    },
  ],
  [
    'sqlite file',
    () => {
      const folder = mkdtempSync(join(tmpdir(), 'mfakit-cache-'));
      folders.push(folder);
      const filename = join(folder, 'mfa.db');
      return { store: sqliteStore({ filename }), again: () => sqliteStore({ filename }) };
    },
  ],
];

afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Store calls, by method, that go through this proxy; `gate` holds back the answers of some methods. */
function countingStore(inner: MfaStore) {
  const calls: string[] = [];
  /** The same calls with their arguments. */
  const made: { method: string; args: unknown[] }[] = [];
  let gate: { methods: string[]; opened: Promise<void> } | null = null;
  const store = spiedOn(
    new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        if (property === 'migrate' || property === 'close') return value.bind(target);
        return async (...args: unknown[]) => {
          calls.push(property);
          made.push({ method: property, args });
          const result = await value.apply(target, args);
          if (gate?.methods.includes(property)) await gate.opened;
          return result;
        };
      },
    }),
  );
  return {
    store,
    calls,
    made,
    /** Holds the answers of `methods` (read already) until the returned function is called. */
    holdBack(...methods: string[]): () => void {
      let open = () => {};
      gate = { methods, opened: new Promise<void>((resolve) => (open = resolve)) };
      return () => {
        gate = null;
        open();
      };
    },
  };
}

const principal = (user: string, session = `${user}-s1`): Principal => ({
  userId: user,
  sessionId: session,
  authMethod: 'password',
});

describe.each(stores)('what an instance remembers, on the %s store', (_name, open) => {
  let a: Harness;
  let b: Harness;
  let counted: ReturnType<typeof countingStore>;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { store, again } = open();
    const dir = defaultDirectory();
    a = createHarness({ store, policyCacheTtl: TTL_SECONDS }, dir);
    counted = countingStore(again());
    b = createHarness({ store: counted.store, policyCacheTtl: TTL_SECONDS }, dir);
    await a.mfa.ready();
    await b.mfa.ready();
  });

  afterEach(async () => {
    vi.useRealTimers();
    await a.mfa.close();
    await b.mfa.close();
  });

  /** Both instances' clocks (the hosts' `now`) at the same time, `seconds` on. */
  const advance = (seconds: number) => {
    a.advance(seconds);
    b.clock.now = new Date(a.clock.now);
    vi.setSystemTime(Date.now() + seconds * 1000);
  };

  const reason = async (h: Harness, user: string, session?: string) =>
    (await h.mfa.evaluate({ principal: principal(user, session), accountId: 'acme' })).reason;

  it('the instance that resets a user decides on the reset at once', async () => {
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    expect(await reason(a, 'max')).toBe('verified');
    await a.mfa.resetUser('max');
    expect(await reason(a, 'max')).toBe('not_required');
    const guarded = await a.json('GET', '/accounts/acme/area', { as: 'max' });
    expect(guarded.body.decision.reason).toBe('not_required');
  });

  it('another instance sees a reset within policyCacheTtl, never later', async () => {
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    expect(await reason(b, 'max')).toBe('verified');
    await a.mfa.resetUser('max');
    // What b remembers may let max in on his old verification until the TTL has passed…
    expect(await reason(b, 'max')).toBe('verified');
    advance(TTL_SECONDS - 1);
    expect(await reason(b, 'max')).toBe('verified');
    // …and not a moment after.
    advance(1.001);
    expect(await reason(b, 'max')).toBe('not_required');
  });

  it('removing MFA ends verified sessions at once on the instance that removed it', async () => {
    await a.enroll('max');
    expect(await reason(a, 'max')).toBe('verified');
    expect((await a.json('DELETE', '/mfa/me/totp', { as: 'max' })).status).toBe(200);
    await a.enroll('max', 'max-s2');
    // The new factor's sessions start unverified: the old session's verification went with the old factor.
    expect(await reason(a, 'max')).toBe('challenge_required');
    expect(await reason(a, 'max', 'max-s2')).toBe('verified');
  });

  it('an administrator reset through the API ends the member’s verified session at once', async () => {
    await a.enroll('ada');
    await a.enroll('max');
    expect(await reason(a, 'max')).toBe('verified');
    const reset = await a.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
    expect(reset.status).toBe(200);
    expect(await reason(a, 'max')).toBe('not_required');
  });

  it('a read begun before this instance resets a user is not remembered after the reset', async () => {
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    // b reads max's factor and session; the answers (enrolled, verified) are held back until
    // after b's own reset: remembered, they would let max in on his old verification.
    const release = counted.holdBack('getEnrollments', 'getSession');
    const evaluating = b.mfa.evaluate({ principal: principal('max'), accountId: 'acme' });
    await vi.waitFor(() =>
      expect(counted.calls).toEqual(expect.arrayContaining(['getEnrollments', 'getSession'])),
    );
    await b.mfa.resetUser('max');
    release();
    await evaluating;
    expect(await reason(b, 'max')).toBe('not_required');
  });

  it('concurrent requests of one user on a cold cache read each fact from the store once', async () => {
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => b.json('GET', '/accounts/acme/area', { as: 'max' })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(counted.calls.filter((m) => m === 'getPolicy')).toHaveLength(1);
    expect(counted.calls.filter((m) => m === 'getEnrollments')).toHaveLength(1);
    expect(counted.calls.filter((m) => m === 'getSession')).toHaveLength(1);
  });

  it('a read begun before this instance resets a user is not shared with requests after the reset', async () => {
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    const release = counted.holdBack('getEnrollments', 'getSession');
    const before = b.mfa.evaluate({ principal: principal('max'), accountId: 'acme' });
    await vi.waitFor(() => expect(counted.calls.filter((m) => m === 'getEnrollments')).toHaveLength(1));
    await b.mfa.resetUser('max');
    const after = b.mfa.evaluate({ principal: principal('max'), accountId: 'acme' });
    // Its own read, not the one held back from before the reset.
    await vi.waitFor(() => expect(counted.calls.filter((m) => m === 'getEnrollments')).toHaveLength(2));
    release();
    await before;
    expect((await after).reason).toBe('not_required');
  });

  it('a session id that one user verified does not verify another user who presents it', async () => {
    await a.enroll('max');
    await a.enroll('ada');
    b.clock.now = new Date(a.clock.now);
    // max's verified session, remembered by b; ada (enrolled, this session never verified) reuses its id.
    expect(await reason(b, 'max', 'max-s1')).toBe('verified');
    expect(await reason(b, 'ada', 'max-s1')).toBe('challenge_required');
    expect(await reason(b, 'max', 'max-s1')).toBe('verified');
  });

  it('a session verified on another instance is let in at once', async () => {
    const { secret } = await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    expect(await reason(b, 'max', 'max-s2')).toBe('challenge_required');
    const code = await a.code(secret);
    const verified = await a.json('POST', '/mfa/challenge', { as: 'max', session: 'max-s2', body: { code } });
    expect(verified.status).toBe(200);
    expect(await reason(b, 'max', 'max-s2')).toBe('verified');
  });

  it('a user who enrolled on another instance is not refused on what this one remembers', async () => {
    await a.enroll('ada');
    expect(
      (await a.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } }))
        .status,
    ).toBe(200);
    advance(TTL_SECONDS + 1);
    // max's grace period starts now; 8 days on it has ended and b remembers he has no MFA.
    expect(await reason(b, 'max')).toBe('grace_period');
    advance(8 * 86_400);
    expect(await reason(b, 'max')).toBe('enrollment_required');
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    expect(await reason(b, 'max')).toBe('verified');
  });

  it('once remembered, a verified user’s guarded request makes no store call', async () => {
    await a.enroll('max');
    b.clock.now = new Date(a.clock.now);
    expect((await b.json('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    counted.calls.length = 0;
    for (let i = 0; i < 5; i++)
      expect((await b.json('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    expect(counted.calls).toEqual([]);
    // After the TTL it reads again, and writes nothing.
    advance(TTL_SECONDS + 1);
    expect((await b.json('GET', '/accounts/acme/area', { as: 'max' })).status).toBe(200);
    expect(counted.calls.length).toBeGreaterThan(0);
    expect(counted.calls.every((method) => method.startsWith('get'))).toBe(true);
  });

  it('a grace period whose start is known costs no store write', async () => {
    await a.enroll('ada');
    expect(
      (await a.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } }))
        .status,
    ).toBe(200);
    advance(TTL_SECONDS + 1);
    expect(await reason(b, 'max')).toBe('grace_period');
    expect(counted.calls).toContain('startGrace');
    counted.calls.length = 0;
    expect(await reason(b, 'max')).toBe('grace_period');
    expect(counted.calls).toEqual([]);
    // Past the TTL the start is read again, not written.
    advance(TTL_SECONDS + 1);
    expect(await reason(b, 'max')).toBe('grace_period');
    expect(counted.calls).not.toContain('startGrace');
    expect(counted.calls).toContain('getGraceStarts');
  });

  it('a policy change is seen at once by its instance and within policyCacheTtl by another', async () => {
    await a.enroll('ada');
    expect(await reason(b, 'max')).toBe('not_required');
    expect(
      (await a.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } }))
        .status,
    ).toBe(200);
    expect(await reason(a, 'max')).toBe('grace_period');
    expect(await reason(b, 'max')).toBe('not_required');
    advance(TTL_SECONDS + 0.001);
    expect(await reason(b, 'max')).toBe('grace_period');
  });

  describe('the members list', () => {
    type Page = { members: { userId: string; methods: string[] }[]; counts: Record<string, number> };
    const methodsOf = async (h: Harness, user: string) => {
      const res = await h.json<Page>('GET', '/mfa/accounts/acme/members', { as: 'ada' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.members.find((m) => m.userId === user)?.methods;
    };
    /** The reads of the account's facts (the whole account's, not one user's for an access decision). */
    const accountReads = () =>
      counted.made.filter(
        (call) =>
          (call.method === 'getEnrollments' || call.method === 'getGraceStarts') &&
          (call.args.at(-1) as string[]).length > 1,
      ).length;

    it("shows another instance's reset and enrollment at its next page, within policyCacheTtl", async () => {
      await a.enroll('ada');
      await a.enroll('max');
      b.clock.now = new Date(a.clock.now);
      expect(await methodsOf(b, 'max')).toEqual(['totp']);
      await a.mfa.resetUser('max');
      expect(await methodsOf(b, 'max')).toEqual([]);
      await a.enroll('max', 'max-s2');
      expect(await methodsOf(b, 'max')).toEqual(['totp']);
      expect(await methodsOf(b, 'sam')).toEqual([]);
      await a.enroll('sam');
      expect(await methodsOf(b, 'sam')).toEqual(['totp']);
    });

    it('serves an account past policyCacheTtl without reading it again while the facts version stays', async () => {
      await a.enroll('ada');
      b.clock.now = new Date(a.clock.now);
      expect(await methodsOf(b, 'ada')).toEqual(['totp']);
      expect(accountReads()).toBe(2);
      counted.made.length = 0;
      advance(TTL_SECONDS + 1);
      expect(await methodsOf(b, 'ada')).toEqual(['totp']);
      advance(TTL_SECONDS * 3);
      expect(await methodsOf(b, 'ada')).toEqual(['totp']);
      expect(accountReads()).toBe(0);
      expect(counted.made.filter((call) => call.method === 'factsVersion')).toHaveLength(2);
      // A write of the facts on the other instance: read again, once.
      await a.enroll('max');
      b.clock.now = new Date(a.clock.now);
      expect(await methodsOf(b, 'max')).toEqual(['totp']);
      expect(await methodsOf(b, 'max')).toEqual(['totp']);
      expect(accountReads()).toBe(2);
      // A write of something else (a session ended) changes nothing here.
      await a.mfa.endSession('max', 'max-s1');
      expect(await methodsOf(b, 'max')).toEqual(['totp']);
      expect(accountReads()).toBe(2);
    });

    it('reads an account again once its facts are a minute old, however often they were found current', async () => {
      await a.enroll('ada');
      b.clock.now = new Date(a.clock.now);
      expect(await methodsOf(b, 'ada')).toEqual(['totp']);
      counted.made.length = 0;
      for (let i = 0; i < 5; i++) {
        advance(11);
        expect(await methodsOf(b, 'ada')).toEqual(['totp']);
      }
      expect(accountReads()).toBe(0);
      advance(6);
      expect(await methodsOf(b, 'ada')).toEqual(['totp']);
      expect(accountReads()).toBe(2);
    });

    it('with policyCacheTtl 0, still serves an account on an unchanged facts version', async () => {
      await a.enroll('ada');
      const uncached = createHarness({ store: counted.store, policyCacheTtl: 0 }, defaultDirectory());
      uncached.clock.now = new Date(a.clock.now);
      try {
        expect(await methodsOf(uncached, 'max')).toEqual([]);
        counted.made.length = 0;
        expect(await methodsOf(uncached, 'max')).toEqual([]);
        expect(accountReads()).toBe(0);
        await a.enroll('max');
        uncached.clock.now = new Date(a.clock.now);
        expect(await methodsOf(uncached, 'max')).toEqual(['totp']);
        expect(accountReads()).toBe(2);
      } finally {
        await uncached.mfa.close();
      }
    });

    it('without a facts version in the store, reads an account again once policyCacheTtl has passed', async () => {
      await a.enroll('ada');
      const { factsVersion: _, ...unversioned } = counted.store;
      const old = createHarness(
        { store: unversioned as MfaStore, policyCacheTtl: TTL_SECONDS },
        defaultDirectory(),
      );
      old.clock.now = new Date(a.clock.now);
      try {
        expect(await methodsOf(old, 'ada')).toEqual(['totp']);
        counted.made.length = 0;
        advance(TTL_SECONDS - 1);
        old.clock.now = new Date(a.clock.now);
        expect(await methodsOf(old, 'ada')).toEqual(['totp']);
        expect(accountReads()).toBe(0);
        advance(1.001);
        old.clock.now = new Date(a.clock.now);
        expect(await methodsOf(old, 'ada')).toEqual(['totp']);
        expect(accountReads()).toBe(2);
      } finally {
        await old.mfa.close();
      }
    });
  });
});
