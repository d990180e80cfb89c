/**
 * TOTP codes are short-lived but not single-use by nature: whoever sees a code
 * (over a shoulder, through a phishing proxy, in a log) can replay it while its
 * 30-second step is accepted, and two requests that race with the same code could
 * both pass a check-then-write. mfakit stores the last used time step and consumes
 * it atomically in the store, so a code verifies exactly one session (the code
 * that confirmed the enrollment included), a code of an earlier step is never
 * accepted after a later one, and the clock-drift window stays at ±1 step. The
 * codes themselves are RFC 6238 (SHA-1, 6 digits, 30 s, 160-bit secrets), so any
 * authenticator app produces them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchTotp } from '../../src/factors/totp/totp.ts';
import { createHarness, type Harness, storeFactories } from '../support.ts';

/** The events of one type that concern a user. */
const eventsOf = (h: Harness, type: string, userId: string) =>
  h.events.filter((e) => e.type === type && e.userId === userId);

async function sessionVerified(h: Harness, as: string, session: string): Promise<boolean> {
  const me = await h.json('GET', '/mfa/me', { as, session });
  expect(me.status).toBe(200);
  return me.body.session.verified;
}

describe('TOTP per RFC 6238', () => {
  // RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; 6 digits are the last 6 of its 8.
  const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('accepts the RFC test vector at %i s', async (seconds, code) => {
    expect(matchTotp(rfcSecret, code, new Date(seconds * 1000))).toBe(Math.floor(seconds / 30));
  });

  it('issues 160-bit secrets in a key URI of SHA-1, 6 digits, 30 s', async () => {
    const h = createHarness();
    const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'ada' });
    expect(setup.status).toBe(200);
    // 160 bits are 32 characters of unpadded base32.
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(setup.body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(setup.body.secret);
    // The Key URI format's defaults are SHA-1, 6 digits and 30 s: absent or stated, nothing else.
    expect(uri.searchParams.get('algorithm')?.toUpperCase() ?? 'SHA1').toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
    const other = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
    expect(other.body.secret).not.toBe(setup.body.secret);
  });
});

describe.each(storeFactories)('TOTP codes on the %s store', (_name, makeStore) => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ store: makeStore() });
  });
  afterEach(async () => {
    await h.mfa.close();
  });

  it('accepts a code once: the same code in another session is invalid_code and audited as replayed', async () => {
    const { secret } = await h.enroll('ada');
    const code = await h.code(secret);
    const first = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
    expect(first.status).toBe(200);
    expect(first.body.verified).toBe(true);

    const replay = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s3', body: { code } });
    expect(replay.status).toBe(400);
    expect(replay.body.error.code).toBe('invalid_code');
    expect(await sessionVerified(h, 'ada', 'ada-s3')).toBe(false);
    expect(eventsOf(h, 'challenge.replayed', 'ada')).toHaveLength(1);

    // Nor in the session it verified.
    const again = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
    expect(again.body.error.code).toBe('invalid_code');
    expect(eventsOf(h, 'challenge.replayed', 'ada')).toHaveLength(2);
    // The replays are audited for the account's administrators too.
    const audit = await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada', session: 'ada-s2' });
    expect(audit.body.events.filter((e: { type: string }) => e.type === 'challenge.replayed')).toHaveLength(
      2,
    );
  });

  it('lets exactly one of 20 concurrent requests with the same code win', async () => {
    const { secret } = await h.enroll('ada');
    const code = await h.code(secret);
    const sessions = Array.from({ length: 20 }, (_, i) => `ada-race-${i}`);
    const answers = await Promise.all(
      sessions.map((session) => h.json('POST', '/mfa/challenge', { as: 'ada', session, body: { code } })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const loser of answers.filter((a) => a.status !== 200)) {
      expect(['invalid_code', 'too_many_attempts']).toContain(loser.body.error.code);
    }
    const verified = await Promise.all(sessions.map((session) => sessionVerified(h, 'ada', session)));
    expect(verified.filter(Boolean)).toHaveLength(1);
  });

  it.each([
    [-1, 200],
    [1, 200],
    [-2, 400],
    [2, 400],
  ])('answers a code of %i step(s) from now with %i', async (steps, status) => {
    const { secret } = await h.enroll('ada');
    // Well past the enrollment's step, and in the middle of a step.
    h.advance(300 + 10);
    const code = await h.code(secret, new Date(h.clock.now.getTime() + steps * 30_000));
    const answer = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
    expect(answer.status).toBe(status);
    if (status !== 200) expect(answer.body.error.code).toBe('invalid_code');
    expect(await sessionVerified(h, 'ada', 'ada-s2')).toBe(status === 200);
  });

  it('refuses a code of an earlier step once a later step was used', async () => {
    const { secret } = await h.enroll('ada');
    h.advance(300);
    const at = h.clock.now.getTime();
    const next = await h.code(secret, new Date(at + 30_000));
    const current = await h.code(secret, new Date(at));
    const previous = await h.code(secret, new Date(at - 30_000));
    // Codes of neighbouring steps can coincide (1 in 10^6); then this test proves nothing.
    expect(new Set([next, current, previous]).size).toBe(3);

    expect((await h.json('POST', '/mfa/challenge', { as: 'ada', body: { code: next } })).status).toBe(200);
    for (const code of [current, previous]) {
      const late = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
      expect(late.status).toBe(400);
      expect(late.body.error.code).toBe('invalid_code');
    }
    expect(await sessionVerified(h, 'ada', 'ada-s2')).toBe(false);
    expect(eventsOf(h, 'challenge.replayed', 'ada')).toHaveLength(2);
  });

  it('records the step of the confirming code: that code cannot then pass /challenge', async () => {
    const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'ada' });
    const code = await h.code(setup.body.secret);
    const confirm = await h.json('POST', '/mfa/me/totp/confirm', { as: 'ada', body: { code } });
    expect(confirm.status).toBe(200);
    expect((await h.store.getTotpFactor('ada'))?.lastUsedStep).toBe(
      Math.floor(h.clock.now.getTime() / 30_000),
    );

    const reuse = await h.json('POST', '/mfa/challenge', { as: 'ada', session: 'ada-s2', body: { code } });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error.code).toBe('invalid_code');
    expect(eventsOf(h, 'challenge.replayed', 'ada')).toHaveLength(1);

    // The next step's code is fine: the refusal was the replay, not the session.
    h.advance(30);
    const fresh = await h.code(setup.body.secret);
    const ok = await h.json('POST', '/mfa/challenge', {
      as: 'ada',
      session: 'ada-s2',
      body: { code: fresh },
    });
    expect(ok.status).toBe(200);
  });
});
