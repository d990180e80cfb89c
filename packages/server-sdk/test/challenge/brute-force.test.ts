/**
 * Online guessing at scale. An attacker who holds a user's password (or a signed-in
 * session) and not their phone guesses second factors as fast as the network
 * allows: thousands of codes at once, spread over many sessions and several
 * instances of the host, TOTP codes and recovery codes mixed, and, when throttled,
 * a burst the very moment each lock ends. The failure count is taken in the store
 * before a code is judged, so however the requests are spread only the schedule's
 * guesses are judged: five, then one per lock, each lock twice as long up to an hour,
 * and after 100 consecutive failures no TOTP code at all (the right one included)
 * until a recovery code or a reset. `throttle.security.test.ts` proves the schedule
 * request by request; this file throws volume and concurrency at it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_SCHEDULE, TOTP_FAILURE_LIMIT } from '../../src/attempts/throttle.ts';
import { generateRecoveryCodes } from '../../src/factors/recovery-codes/recovery-codes.ts';
import { type MfaStore, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { lockDurationMs } from '../../src/store/store.ts';
import { createHarness, type Harness, tempFolder } from '../support.ts';

type Answer = { status: number; body: any; res: Response };

/** `n` distinct 6-digit codes, none accepted for `secret` now (previous, current or next step). */
async function wrongCodes(h: Harness, secret: string, n: number): Promise<string[]> {
  const at = h.clock.now.getTime();
  const valid = new Set(
    await Promise.all([-30_000, 0, 30_000].map((offset) => h.code(secret, new Date(at + offset)))),
  );
  const codes: string[] = [];
  // Spread over the whole space, as a guesser would.
  for (let i = 0; codes.length < n; i++) {
    const code = String((i * 7919 + 13) % 1_000_000).padStart(6, '0');
    if (!valid.has(code)) codes.push(code);
  }
  return codes;
}

function tally(answers: Answer[]) {
  const count = (status: number, code?: string) =>
    answers.filter((a) => a.status === status && (code === undefined || a.body?.error?.code === code)).length;
  return {
    verified: count(200),
    judged: count(400, 'invalid_code'),
    locked: count(429, 'too_many_attempts'),
    other: answers.filter((a) => ![200, 400, 429].includes(a.status)).length,
  };
}

const stores: [name: string, make: (file: string) => MfaStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite file', (file) => sqliteStore({ filename: file })],
];

describe.each(stores)('guessing on the %s store', (_name, makeStore) => {
  let folder: ReturnType<typeof tempFolder>;
  let h: Harness;
  let secret: string;
  let recoveryCodes: string[];

  beforeEach(async () => {
    folder = tempFolder();
    h = createHarness({ store: makeStore(folder.file()) });
    ({ secret, recoveryCodes } = await h.enroll('max'));
  });
  afterEach(async () => {
    await h.mfa.close();
    folder.cleanup();
  });

  const guess = (body: unknown, session: string) =>
    h.json('POST', '/mfa/challenge', { as: 'max', session, body });

  it('judges 5 of 2,000 parallel guesses (TOTP and recovery codes mixed, 2,000 sessions), verifies none', async () => {
    const totp = await wrongCodes(h, secret, 1000);
    const recovery = generateRecoveryCodes(1000);
    const bodies = totp.flatMap((code, i) => [{ code }, { recoveryCode: recovery[i] as string }]);
    const sessions = bodies.map((_, i) => `max-attacker-${i}`);

    const answers = await Promise.all(bodies.map((body, i) => guess(body, sessions[i] as string)));

    expect(tally(answers)).toEqual({ verified: 0, judged: 5, locked: 1995, other: 0 });
    for (const session of sessions) expect(await h.store.getSession('max', session)).toBeNull();
    expect((await h.store.getAttempts('max')).failures).toBe(LOCK_SCHEDULE.threshold);
    expect(h.events.filter((e) => e.type === 'challenge.failed')).toHaveLength(5);
    // Every 429 names the same lock, in whole seconds, in the body and the header.
    const locked = answers.filter((a) => a.status === 429);
    expect(new Set(locked.map((a) => a.body.error.retryAfterSeconds))).toEqual(new Set([30]));
    expect(new Set(locked.map((a) => a.res.headers.get('retry-after')))).toEqual(new Set(['30']));
    // The user's own codes are untouched by the storm.
    expect(await h.store.countRecoveryCodes('max')).toBe(recoveryCodes.length);
  });

  it('judges exactly one guess of each burst sent when a lock ends, and never the right code after 100', async () => {
    const burst = 20;
    let judgedTotal = 0;
    let waitedSeconds = 0;
    const pool = await wrongCodes(h, secret, 4000);
    let next = 0;
    for (let round = 0; judgedTotal < TOTP_FAILURE_LIMIT; round++) {
      const codes = pool.slice(next, next + burst);
      next += burst;
      const answers = await Promise.all(codes.map((code, i) => guess({ code }, `max-r${round}-${i}`)));
      const t = tally(answers);
      expect(t.verified).toBe(0);
      expect(t.other).toBe(0);
      // From 0 failures five are judged; once locking, exactly one per lock.
      expect(t.judged).toBe(round === 0 ? LOCK_SCHEDULE.threshold : 1);
      judgedTotal += t.judged;
      const lock = lockDurationMs(judgedTotal, LOCK_SCHEDULE) / 1000;
      for (const a of answers.filter((x) => x.status === 429))
        expect(a.body.error.retryAfterSeconds).toBe(lock);
      // The attacker comes back the second the lock ends (a second early is refused unjudged).
      h.advance(lock - 1);
      expect(tally([await guess({ code: pool[next++] }, 'max-early')]).locked).toBe(1);
      h.advance(1);
      waitedSeconds += lock;
    }
    expect(judgedTotal).toBe(TOTP_FAILURE_LIMIT);
    expect((await h.store.getAttempts('max')).failures).toBe(TOTP_FAILURE_LIMIT);
    // 100 judged guesses of ~3 accepted codes in 10^6 took the attacker more than 3.7 days.
    expect(waitedSeconds).toBeGreaterThan(3.7 * 86_400);

    // Now even the right code, in a burst of its own, is refused; no session is verified.
    const right = await h.code(secret);
    const answers = await Promise.all(
      Array.from({ length: burst }, (_, i) => guess({ code: right }, `max-right-${i}`)),
    );
    const t = tally(answers);
    expect(t.verified).toBe(0);
    expect(t.judged).toBe(1);
    const judged = answers.find((a) => a.status === 400);
    expect(judged?.body.error.recoveryCodeRequired).toBe(true);
    for (let i = 0; i < burst; i++) expect(await h.store.getSession('max', `max-right-${i}`)).toBeNull();

    // A recovery code (after the lock) lets the user back in and ends the refusal.
    h.advance(lockDurationMs(TOTP_FAILURE_LIMIT + 1, LOCK_SCHEDULE) / 1000);
    const recovered = await guess({ recoveryCode: recoveryCodes[0] }, 'max-owner');
    expect(recovered.status).toBe(200);
    expect(await h.store.getAttempts('max')).toEqual({ failures: 0, lockedUntil: null });
    h.advance(30);
    expect((await guess({ code: await h.code(secret) }, 'max-owner-2')).status).toBe(200);
  });
});

describe('guessing through two instances that share one SQLite file', () => {
  let folder: ReturnType<typeof tempFolder>;
  let a: Harness;
  let b: Harness;

  beforeEach(() => {
    folder = tempFolder();
    a = createHarness({ store: sqliteStore({ filename: folder.file() }) });
    b = createHarness({ store: sqliteStore({ filename: folder.file() }) });
  });
  afterEach(async () => {
    await a.mfa.close();
    await b.mfa.close();
    folder.cleanup();
  });

  it('judges 5 of 2,000 guesses split over both, and after 100 failures neither accepts the right code', async () => {
    const { secret, recoveryCodes } = await a.enroll('max');
    b.clock.now = a.clock.now;
    const codes = await wrongCodes(a, secret, 2000);
    const answers = await Promise.all(
      codes.map((code, i) =>
        (i % 2 ? a : b).json('POST', '/mfa/challenge', { as: 'max', session: `max-x${i}`, body: { code } }),
      ),
    );
    expect(tally(answers)).toEqual({ verified: 0, judged: 5, locked: 1995, other: 0 });

    // Drive the count to 100 through instance b, then try the right code on both.
    const store = a.store;
    let failures = (await store.getAttempts('max')).failures;
    let i = 0;
    while (failures < TOTP_FAILURE_LIMIT) {
      a.advance(lockDurationMs(failures, LOCK_SCHEDULE) / 1000);
      b.clock.now = a.clock.now;
      const wrong = await wrongCodes(b, secret, 1);
      const answer = await b.json('POST', '/mfa/challenge', {
        as: 'max',
        session: `max-y${i++}`,
        body: { code: wrong[0] },
      });
      expect(answer.status).toBe(400);
      failures = (await store.getAttempts('max')).failures;
    }
    a.advance(lockDurationMs(failures, LOCK_SCHEDULE) / 1000);
    b.clock.now = a.clock.now;
    const right = await a.code(secret);
    for (const h of [a, b]) {
      const refused = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-z',
        body: { code: right },
      });
      expect([400, 429]).toContain(refused.status);
      expect(await h.store.getSession('max', 'max-z')).toBeNull();
    }
    // The recovery code still works, on either instance, once the lock is over.
    a.advance(3600);
    b.clock.now = a.clock.now;
    const recovered = await b.json('POST', '/mfa/challenge', {
      as: 'max',
      session: 'max-owner',
      body: { recoveryCode: recoveryCodes[1] },
    });
    expect(recovered.status).toBe(200);
  });
});
