/**
 * Replaying a code that was seen. A real-time phishing proxy, a shoulder-surfer or
 * a log that captured a request holds a code the user just typed; with it they try
 * to verify a session of their own, at once or a little later, in parallel with
 * the user or racing them, through another instance whose clock is a little off.
 * A TOTP code stays acceptable for 90 seconds (the step before, its own, the one
 * after), so the whole of that window is the attack. mfakit stores the last used
 * time step of each user and consumes it atomically, so once a code was accepted
 * it is refused, in every session of that user and at every moment of its window
 * (on any instance's clock), judged like a wrong code and recorded as a
 * `challenge.replayed` audit event. `totp.security.test.ts` shows the basic cases;
 * this file sweeps the window and races instances.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchTotp } from '../../src/factors/totp/totp.ts';
import { type MfaStore, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { createHarness, forgetFailures, freshSession, type Harness, tempFolder } from '../support.ts';

const STEP_MS = 30_000;
const stepStart = (step: number) => new Date(step * STEP_MS);

/** Moments across a code's whole acceptance window: every 5 s of its three steps, and the last millisecond. */
function windowMoments(step: number): Date[] {
  const first = (step - 1) * STEP_MS;
  const moments = Array.from({ length: 18 }, (_, i) => new Date(first + i * 5000));
  moments.push(new Date((step + 2) * STEP_MS - 1));
  return moments;
}

const stores: [name: string, make: (file: string) => MfaStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite file', (file) => sqliteStore({ filename: file })],
];

describe.each(stores)('replay on the %s store', (_name, makeStore) => {
  let folder: ReturnType<typeof tempFolder>;
  let h: Harness;
  let secret: string;
  /** A step well after the enrollment's, whose code the tests use. */
  let step: number;

  beforeEach(async () => {
    folder = tempFolder();
    h = createHarness({ store: makeStore(folder.file()) });
    ({ secret } = await h.enroll('max'));
    step = Math.floor(h.clock.now.getTime() / STEP_MS) + 20;
  });
  afterEach(async () => {
    await h.mfa.close();
    folder.cleanup();
  });

  const challenge = (code: string, session: string) =>
    h.json('POST', '/mfa/challenge', { as: 'max', session, body: { code } });

  it.each([
    ['one step early (as the next step)', -1],
    ['in its own step', 0],
    ['one step late (as the previous step)', 1],
  ])(
    'refuses a code accepted %s in every other session, at every moment of its window',
    async (_l, offset) => {
      const code = await h.code(secret, stepStart(step));
      h.clock.now = new Date(stepStart(step + offset).getTime() + 12_000);
      expect((await challenge(code, 'max-victim')).status).toBe(200);

      const sessions: string[] = [];
      for (const moment of windowMoments(step)) {
        // Another instance may read its clock anywhere in the window, also before the acceptance.
        h.clock.now = moment;
        expect(matchTotp(secret, code, moment) !== null, `${moment.toISOString()} is in the window`).toBe(
          true,
        );
        // The back-off is proved elsewhere; cleared here so that every probe is judged.
        await forgetFailures(h.store);
        const session = freshSession('max');
        sessions.push(session);
        const events = h.events.length;
        const replay = await challenge(code, session);
        expect(replay.status).toBe(400);
        expect(replay.body.error.code).toBe('invalid_code');
        // One audit event per refusal, saying what happened, to whom and when.
        expect(h.events.slice(events)).toEqual([
          {
            id: expect.any(String),
            type: 'challenge.replayed',
            actorId: 'max',
            userId: 'max',
            accountId: null,
            before: null,
            after: { failures: 1, kind: 'totp', method: 'totp' },
            at: moment,
          },
        ]);
      }
      for (const session of sessions) expect(await h.store.getSession('max', session)).toBeNull();
      // The session the code did verify is the only one.
      expect(await h.store.getSession('max', 'max-victim')).not.toBeNull();

      // Past its window the code is merely wrong: a failure, not a replay.
      h.clock.now = stepStart(step + 2);
      await forgetFailures(h.store);
      const events = h.events.length;
      expect((await challenge(code, freshSession('max'))).body.error.code).toBe('invalid_code');
      expect(h.events.slice(events).map((e) => e.type)).toEqual(['challenge.failed']);
    },
  );

  it('refuses 100 concurrent replays in 100 sessions: none verified, each judged one audited', async () => {
    h.clock.now = new Date(stepStart(step).getTime() + 1000);
    const code = await h.code(secret);
    expect((await challenge(code, 'max-victim')).status).toBe(200);
    const events = h.events.length;
    const sessions = Array.from({ length: 100 }, () => freshSession('max'));
    const answers = await Promise.all(sessions.map((session) => challenge(code, session)));

    expect(answers.filter((a) => a.status === 200)).toEqual([]);
    const judged = answers.filter((a) => a.status === 400);
    for (const a of judged) expect(a.body.error.code).toBe('invalid_code');
    for (const a of answers.filter((x) => x.status !== 400))
      expect(a.body.error.code).toBe('too_many_attempts');
    expect(judged).toHaveLength(5);
    const replayed = h.events.slice(events).filter((e) => e.type === 'challenge.replayed');
    expect(replayed).toHaveLength(judged.length);
    const counts = replayed.map((e) => (e.after as { failures: number }).failures).sort((x, y) => x - y);
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    for (const e of replayed) expect(e).toMatchObject({ actorId: 'max', userId: 'max', accountId: null });
    for (const session of sessions) expect(await h.store.getSession('max', session)).toBeNull();
  });

  it('lets exactly one of 200 concurrent uses of a fresh code win; every loser judged is a replay event', async () => {
    h.clock.now = new Date(stepStart(step).getTime() + 1000);
    const code = await h.code(secret);
    const sessions = Array.from({ length: 200 }, () => freshSession('max'));
    const answers = await Promise.all(sessions.map((session) => challenge(code, session)));

    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    const judged = answers.filter((a) => a.status === 400);
    for (const a of judged) expect(a.body.error.code).toBe('invalid_code');
    for (const a of answers.filter((x) => x.status === 429))
      expect(a.body.error.code).toBe('too_many_attempts');
    expect(judged.length + 1 + answers.filter((a) => a.status === 429).length).toBe(200);
    expect(h.events.filter((e) => e.type === 'challenge.replayed')).toHaveLength(judged.length);
    const verified = await Promise.all(sessions.map((session) => h.store.getSession('max', session)));
    expect(verified.filter(Boolean)).toHaveLength(1);
  });
});

describe('replay across two instances on one SQLite file, their clocks a step apart', () => {
  let folder: ReturnType<typeof tempFolder>;
  let fast: Harness;
  let slow: Harness;
  beforeEach(() => {
    folder = tempFolder();
    fast = createHarness({ store: sqliteStore({ filename: folder.file() }) });
    slow = createHarness({ store: sqliteStore({ filename: folder.file() }) });
  });
  afterEach(async () => {
    await fast.mfa.close();
    await slow.mfa.close();
    folder.cleanup();
  });

  it('lets exactly one of 200 concurrent uses win over both, and neither instance accepts it again', async () => {
    const { secret } = await fast.enroll('max');
    const step = Math.floor(fast.clock.now.getTime() / STEP_MS) + 10;
    // The code of `step`: the fast instance is in the step after it, the slow one in the step before.
    fast.clock.now = new Date(stepStart(step + 1).getTime() + 2000);
    slow.clock.now = new Date(stepStart(step - 1).getTime() + 2000);
    const code = await fast.code(secret, stepStart(step));
    const sessions = Array.from({ length: 200 }, (_, i) => `max-race-${i}`);
    const answers = await Promise.all(
      sessions.map((session, i) =>
        (i % 2 ? fast : slow).json('POST', '/mfa/challenge', { as: 'max', session, body: { code } }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 200))
      expect(['invalid_code', 'too_many_attempts']).toContain(a.body.error.code);
    const stored = await Promise.all(sessions.map((session) => fast.store.getSession('max', session)));
    expect(stored.filter(Boolean)).toHaveLength(1);

    for (const h of [fast, slow]) {
      await forgetFailures(h.store);
      const again = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-late',
        body: { code },
      });
      expect(again.body.error.code).toBe('invalid_code');
      expect(h.events.at(-1)?.type).toBe('challenge.replayed');
    }
    expect(await fast.store.getSession('max', 'max-late')).toBeNull();
  });
});
