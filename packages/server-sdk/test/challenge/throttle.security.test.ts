/**
 * A 6-digit code has a million values and three of them are accepted at any time,
 * so an attacker who holds a user's password can simply guess: unthrottled, a few
 * hundred thousand requests find a code. mfakit counts consecutive failures per
 * user in the store, before the code is judged, and after the 5th locks the user
 * for 30 s × 2^(n−5), capped at an hour; after 100 failures TOTP codes are refused
 * until a recovery code is used or the MFA is reset. Because the count is taken
 * first and atomically, neither parallel requests nor several instances get more
 * guesses judged than the schedule allows; because a locked or malformed request
 * is not judged, it neither counts nor can succeed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, storeFactories, wrongCode } from '../support.ts';

type Answer = { status: number; body: any; res: Response };

describe.each(storeFactories)('failed attempts on the %s store', (_name, makeStore) => {
  let h: Harness;
  let secret: string;
  let recoveryCodes: string[];

  beforeEach(async () => {
    h = createHarness({ store: makeStore() });
    ({ secret, recoveryCodes } = await h.enroll('max'));
  });
  afterEach(async () => {
    await h.mfa.close();
  });

  const challenge = (body: unknown, session = 'max-s2') =>
    h.json('POST', '/mfa/challenge', { as: 'max', session, body });
  const guess = async () => challenge({ code: await wrongCode(h, secret) });
  const correct = async () => challenge({ code: await h.code(secret) });

  function expectJudgedWrong(answer: Answer, attemptsLeft?: number) {
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('invalid_code');
    if (attemptsLeft !== undefined) expect(answer.body.error.attemptsLeft).toBe(attemptsLeft);
  }

  function expectLocked(answer: Answer, seconds: number) {
    expect(answer.status).toBe(429);
    expect(answer.body.error.code).toBe('too_many_attempts');
    expect(answer.body.error.retryAfterSeconds).toBe(seconds);
    expect(answer.res.headers.get('Retry-After')).toBe(String(seconds));
  }

  /** Fails `n` times in a row, waiting out every lock, and answers the last failure. */
  async function failTimes(n: number): Promise<Answer> {
    let last: Answer | undefined;
    for (let i = 0; i < n; i++) {
      last = await guess();
      expectJudgedWrong(last);
      if (last.body.error.retryAfterSeconds) h.advance(last.body.error.retryAfterSeconds);
    }
    return last as Answer;
  }

  it('locks after the 5th consecutive failure: the 6th request is 429 with Retry-After: 30', async () => {
    for (const left of [4, 3, 2, 1]) {
      const answer = await guess();
      expectJudgedWrong(answer, left);
      expect(answer.body.error.retryAfterSeconds).toBeUndefined();
    }
    const fifth = await guess();
    expectJudgedWrong(fifth, 0);
    expect(fifth.body.error.retryAfterSeconds).toBe(30);
    expectLocked(await guess(), 30);
    h.advance(10);
    expectLocked(await guess(), 20);
    expect(h.events.filter((e) => e.type === 'challenge.locked' && e.userId === 'max')).toHaveLength(1);
  });

  it('doubles the lock with each further failure, up to one hour', async () => {
    await failTimes(4);
    expect((await guess()).body.error.retryAfterSeconds).toBe(30);
    let lock = 30;
    for (const next of [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]) {
      h.advance(lock - 1);
      expectLocked(await guess(), 1);
      h.advance(1);
      const judged = await guess();
      expectJudgedWrong(judged, 0);
      expect(judged.body.error.retryAfterSeconds).toBe(next);
      expectLocked(await guess(), next);
      lock = next;
    }
  });

  it('keeps the count until a success: waiting out a lock does not reset it', async () => {
    await failTimes(5);
    h.advance(2 * 86_400);
    const sixth = await guess();
    expect(sixth.body.error.retryAfterSeconds).toBe(60);
  });

  it('answers a correct code 429 while locked, without judging it', async () => {
    await failTimes(4);
    expectJudgedWrong(await guess(), 0);
    const stepBefore = (await h.store.getTotpFactor('max'))?.lastUsedStep;
    expectLocked(await correct(), 30);
    expect((await h.store.getTotpFactor('max'))?.lastUsedStep).toBe(stepBefore);
    const me = await h.json('GET', '/mfa/me', { as: 'max', session: 'max-s2' });
    expect(me.body.session.verified).toBe(false);
    // A recovery code waits out the lock too.
    expectLocked(await challenge({ recoveryCode: recoveryCodes[0] }), 30);
    expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.recoveryCodesRemaining).toBe(10);

    h.advance(30);
    expect((await correct()).status).toBe(200);
  });

  it('resets the count after a success', async () => {
    await failTimes(4);
    expect((await correct()).status).toBe(200);
    expect((await h.store.getAttempts('max')).failures).toBe(0);
    h.advance(30);
    for (const left of [4, 3, 2, 1, 0]) expectJudgedWrong(await guess(), left);
    expectLocked(await guess(), 30);
  });

  it('counts wrong recovery codes with wrong TOTP codes', async () => {
    await failTimes(3);
    for (const left of [1, 0]) expectJudgedWrong(await challenge({ recoveryCode: 'aaaaa-aaaaa' }), left);
    expectLocked(await guess(), 30);
  });

  it('does not count requests refused with 429 or for their schema', async () => {
    await failTimes(4);
    const malformed = [
      { code: '12ab56' },
      { code: '1234567' },
      { code: 123456 },
      {},
      { code: '123456', userId: 'max' },
      { recoveryCode: 'not a recovery code!' },
    ];
    for (let i = 0; i < 3; i++) {
      for (const body of malformed) {
        const refused = await challenge(body);
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('invalid_request');
      }
    }
    expect((await h.store.getAttempts('max')).failures).toBe(4);
    expectJudgedWrong(await guess(), 0);
    for (let i = 0; i < 10; i++) expectLocked(await guess(), 30);
    expect((await h.store.getAttempts('max')).failures).toBe(5);
    h.advance(30);
    // The 6th failure, not the 16th: 60 s, not the cap.
    expect((await guess()).body.error.retryAfterSeconds).toBe(60);
  });

  it('judges exactly 5 of 50 parallel wrong codes and answers the other 45 with 429', async () => {
    const code = await wrongCode(h, secret);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => challenge({ code }, `max-par-${i}`)),
    );
    const judged = answers.filter((a) => a.status === 400);
    expect(judged).toHaveLength(5);
    for (const answer of judged) expect(answer.body.error.code).toBe('invalid_code');
    const locked = answers.filter((a) => a.status === 429);
    expect(locked).toHaveLength(45);
    for (const answer of locked) expect(answer.body.error.code).toBe('too_many_attempts');
    expect((await h.store.getAttempts('max')).failures).toBe(5);
    expect(h.events.filter((e) => e.type === 'challenge.failed' && e.userId === 'max')).toHaveLength(5);
  });

  it('still accepts a correct TOTP code after 99 consecutive failures', async () => {
    const last = await failTimes(99);
    expect(last.body.error.recoveryCodeRequired).toBeUndefined();
    expect((await correct()).status).toBe(200);
  });

  it('refuses correct TOTP codes after 100 consecutive failures until a recovery code is used', async () => {
    const hundredth = await failTimes(100);
    expect(hundredth.body.error.recoveryCodeRequired).toBe(true);
    expect((await h.store.getAttempts('max')).failures).toBe(100);

    const refused = await correct();
    expectJudgedWrong(refused);
    expect(refused.body.error.recoveryCodeRequired).toBe(true);
    expect((await h.json('GET', '/mfa/me', { as: 'max', session: 'max-s2' })).body.session.verified).toBe(
      false,
    );

    // The recovery code is still under the timed back-off.
    expectLocked(await challenge({ recoveryCode: recoveryCodes[0] }), 3600);
    h.advance(3600);
    const recovered = await challenge({ recoveryCode: recoveryCodes[0] });
    expect(recovered.status).toBe(200);
    expect((await h.store.getAttempts('max')).failures).toBe(0);

    h.advance(30);
    expect((await correct()).status).toBe(200);
  });

  it.each([
    ['an administrator', 'admin'],
    ["the host's staff", 'host'],
  ] as const)('clears the count when %s resets the MFA', async (_who, by) => {
    await failTimes(100);
    if (by === 'admin') {
      await h.enroll('ada');
      const reset = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
      expect(reset.status).toBe(200);
    } else {
      await h.mfa.resetUser('max');
    }
    expect(await h.store.getAttempts('max')).toEqual({ failures: 0, lockedUntil: null });
    // Confirming is a TOTP attempt: it would be refused if the count had survived.
    const again = await h.enroll('max');
    const code = await h.code(again.secret);
    expect((await challenge({ code })).status).toBe(200);
  });

  it('counts failed confirmations', async () => {
    const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'sam' });
    const confirm = (code: string) => h.json('POST', '/mfa/me/totp/confirm', { as: 'sam', body: { code } });
    for (const left of [4, 3, 2, 1, 0])
      expectJudgedWrong(await confirm(await wrongCode(h, setup.body.secret)), left);
    expectLocked(await confirm(await h.code(setup.body.secret)), 30);
    expect((await h.json('GET', '/mfa/me', { as: 'sam' })).body.enrolled).toBe(false);
    h.advance(30);
    expect((await confirm(await h.code(setup.body.secret))).status).toBe(200);
  });

  it('counts replays', async () => {
    const code = await h.code(secret);
    expect((await challenge({ code })).status).toBe(200);
    for (const left of [4, 3, 2, 1, 0]) expectJudgedWrong(await challenge({ code }, 'max-s3'), left);
    expectLocked(await challenge({ code }, 'max-s3'), 30);
    expect(h.events.filter((e) => e.type === 'challenge.replayed' && e.userId === 'max')).toHaveLength(5);
  });
});
