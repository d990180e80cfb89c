/**
 * The store conformance suite: WebAuthn credentials, user handles, ceremony challenges,
 * and an assertion settled as a challenge attempt.
 */
import { describe, expect, it } from 'vitest';
import type { SessionRecord, WebAuthnCredentialRecord } from '../model.ts';
import type { AttemptInput } from '../store/store.ts';
import { type ConformanceContext, countTrue, later, SCHEDULE, T0, times } from './context.ts';

export function webauthnConformance(t: ConformanceContext): void {
  const { id, enroll, codes, fail } = t;

  const credential = (
    userId: string,
    label: string,
    overrides: Partial<WebAuthnCredentialRecord> = {},
  ): WebAuthnCredentialRecord => ({
    userId,
    credentialId: id(`cred-${label}`),
    publicKey: `pk-${label}`,
    counter: 0,
    transports: ['usb', 'nfc'],
    backedUp: false,
    name: `Key ${label}`,
    createdAt: T0,
    lastUsedAt: null,
    ...overrides,
  });
  const session = (userId: string, label = 'reg', at = T0): SessionRecord => ({
    userId,
    sessionId: id(label),
    verifiedAt: at,
    method: 'webauthn',
  });
  /** Adds a credential as the SDK does: the user's handle first, then the credential. */
  const add = async (c: WebAuthnCredentialRecord, hashes: string[] = [], limit = 10) => {
    await t.store.webAuthnUserHandle(c.userId, `handle-${c.userId}`);
    return t.store.addWebAuthnCredential(c, {
      limit,
      recoveryCodeHashes: hashes,
      session: session(c.userId),
    });
  };
  const assertion = (
    userId: string,
    proof: Partial<Extract<AttemptInput['proof'], { kind: 'webauthn' }>>,
    at = later(1000),
  ): AttemptInput => ({
    userId,
    sessionId: id('assert'),
    now: at,
    schedule: SCHEDULE,
    proof: {
      kind: 'webauthn',
      verdict: 'valid',
      credentialId: id('cred-a'),
      expectedCounter: 0,
      counter: 1,
      backedUp: false,
      ...proof,
    },
  });

  describe('webauthn: user handles', () => {
    it('keeps the first handle of a user, of any number of concurrent callers', async () => {
      const handles = await times(10, (i) => t.store.webAuthnUserHandle(id('ada'), `h-${id('ada')}-${i}`));
      expect(new Set(handles).size).toBe(1);
      expect(await t.store.webAuthnUserHandle(id('ada'), 'another')).toBe(handles[0]);
      expect(await t.store.webAuthnUserHandle(id('max'), `h-${id('max')}`)).toBe(`h-${id('max')}`);
    });
  });

  describe('webauthn: credentials', () => {
    it('adds, lists (oldest first) and reads credentials; another user reads none of them', async () => {
      const a = credential(id('ada'), 'a', { createdAt: later(2000), backedUp: true });
      const b = credential(id('ada'), 'b', { createdAt: later(1000), transports: [] });
      expect(await add(a)).toEqual({ added: true, recoveryCodesIssued: true });
      expect(await add(b)).toEqual({ added: true, recoveryCodesIssued: false });
      expect(await t.store.listWebAuthnCredentials(id('ada'))).toEqual([b, a]);
      expect(await t.store.getWebAuthnCredential(id('ada'), a.credentialId)).toEqual(a);
      expect(await t.store.getWebAuthnCredential(id('max'), a.credentialId)).toBeNull();
      expect(await t.store.listWebAuthnCredentials(id('max'))).toEqual([]);
    });

    it('refuses a credential id registered already, to this user or another', async () => {
      await add(credential(id('ada'), 'a'));
      expect(await add(credential(id('ada'), 'a', { name: 'again' }))).toEqual({
        added: false,
        reason: 'duplicate',
      });
      expect(await add(credential(id('max'), 'a'))).toEqual({ added: false, reason: 'duplicate' });
      expect(await t.store.listWebAuthnCredentials(id('max'))).toEqual([]);
      expect((await t.store.listWebAuthnCredentials(id('ada')))[0]?.name).toBe('Key a');
    });

    it('never goes past the limit, however many add at once', async () => {
      await t.store.webAuthnUserHandle(id('ada'), `handle-${id('ada')}`);
      const results = await times(8, (i) =>
        t.store.addWebAuthnCredential(credential(id('ada'), `c${i}`), {
          limit: 3,
          recoveryCodeHashes: codes(id('ada')),
          session: session(id('ada')),
        }),
      );
      expect(countTrue(results.map((r) => r.added))).toBe(3);
      expect(results.filter((r) => !r.added)).toEqual(
        Array.from({ length: 5 }, () => ({ added: false, reason: 'too_many' })),
      );
      // Exactly one of them was the first factor.
      expect(results.filter((r) => r.added && r.recoveryCodesIssued)).toHaveLength(1);
      expect(await t.store.listWebAuthnCredentials(id('ada'))).toHaveLength(3);
    });

    it('issues the recovery codes with the first factor only: not after an app', async () => {
      await enroll(id('ada'), {}, codes(id('ada')));
      const result = await add(credential(id('ada'), 'a'), ['other-1', 'other-2']);
      expect(result).toEqual({ added: true, recoveryCodesIssued: false });
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(10);
    });

    it('keeps the other verified sessions (adding is no loss of trust) and marks the registering one', async () => {
      const mark = (userId: string, label: string) =>
        t.store.markSessionVerified({ userId, sessionId: id(label), verifiedAt: T0, method: 'totp' });
      await mark(id('ada'), 'laptop');
      await mark(id('ada'), 'reg');
      await mark(id('max'), 'phone');
      await add(credential(id('ada'), 'a'));
      expect(await t.store.getSession(id('ada'), id('laptop'))).toMatchObject({ method: 'totp' });
      expect(await t.store.getSession(id('ada'), id('reg'))).toEqual(session(id('ada')));
      expect(await t.store.getSession(id('max'), id('phone'))).not.toBeNull();
    });

    it('getEnrollments says which factors each user has, since their oldest', async () => {
      await enroll(id('both'), { createdAt: later(5000) });
      await add(credential(id('both'), 'b', { createdAt: later(1000) }));
      await add(credential(id('key'), 'k1', { createdAt: later(3000) }));
      await add(credential(id('key'), 'k2', { createdAt: later(2000) }));
      await enroll(id('app'), { createdAt: later(7000) });
      const found = await t.store.getEnrollments([id('both'), id('key'), id('app'), id('none')]);
      expect(found).toEqual(
        new Map([
          [id('both'), { methods: ['totp', 'webauthn'], since: later(1000) }],
          [id('key'), { methods: ['webauthn'], since: later(2000) }],
          [id('app'), { methods: ['totp'], since: later(7000) }],
        ]),
      );
    });

    it('renames only the user’s own credential, audited with the change', async () => {
      const a = credential(id('ada'), 'a');
      await add(a);
      const events: unknown[] = [];
      const write = (label: string) => ({
        events: [
          {
            type: 'webauthn.renamed' as const,
            actorId: id('ada'),
            userId: id('ada'),
            accountId: null,
            before: null,
            after: { name: label },
            at: T0,
          },
        ],
        stored: (stored: unknown[]) => events.push(...stored),
      });
      expect(await t.store.renameWebAuthnCredential(id('max'), a.credentialId, 'stolen', write('x'))).toBe(
        false,
      );
      expect(
        await t.store.renameWebAuthnCredential(id('ada'), a.credentialId, 'Laptop', write('Laptop')),
      ).toBe(true);
      expect((await t.store.getWebAuthnCredential(id('ada'), a.credentialId))?.name).toBe('Laptop');
      expect(events).toHaveLength(1);
    });

    it('removes only the user’s own credential, ends the other sessions, and keeps the codes while a factor remains', async () => {
      const a = credential(id('ada'), 'a');
      const b = credential(id('ada'), 'b');
      await add(a, codes(id('ada')));
      await add(b);
      await t.store.markSessionVerified({
        userId: id('ada'),
        sessionId: id('other'),
        verifiedAt: T0,
        method: 'webauthn',
      });
      expect(await t.store.deleteWebAuthnCredential(id('max'), a.credentialId)).toBe(false);
      expect(await t.store.deleteWebAuthnCredential(id('ada'), a.credentialId, undefined, id('reg'))).toBe(
        true,
      );
      expect(await t.store.deleteWebAuthnCredential(id('ada'), a.credentialId)).toBe(false);
      expect(await t.store.getSession(id('ada'), id('other'))).toBeNull();
      expect(await t.store.getSession(id('ada'), id('reg'))).not.toBeNull();
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(10);

      // The last factor: the codes and failures go with it.
      await fail(id('ada'), T0);
      expect(await t.store.deleteWebAuthnCredential(id('ada'), b.credentialId)).toBe(true);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(0);
      expect((await t.store.getAttempts(id('ada'))).failures).toBe(0);
      expect(await t.store.getEnrollments([id('ada')])).toEqual(new Map());
    });

    it('deleteTotp keeps the codes while a credential remains, and removes them with the last factor', async () => {
      await enroll(id('ada'), {}, codes(id('ada')));
      await add(credential(id('ada'), 'a'));
      await t.store.markSessionVerified({
        userId: id('ada'),
        sessionId: id('other'),
        verifiedAt: T0,
        method: 'totp',
      });
      expect(await t.store.deleteTotp(id('ada'), undefined, id('reg'))).toBe(true);
      expect(await t.store.getTotpFactor(id('ada'))).toBeNull();
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(10);
      expect(await t.store.getSession(id('ada'), id('other'))).toBeNull();
      expect(await t.store.getSession(id('ada'), id('reg'))).not.toBeNull();
      expect(await t.store.deleteTotp(id('ada'))).toBe(false);

      await enroll(id('max'), {}, codes(id('max')));
      expect(await t.store.deleteTotp(id('max'))).toBe(true);
      expect(await t.store.countRecoveryCodes(id('max'))).toBe(0);
    });

    it('resetMfa (a reset) removes the credentials too', async () => {
      await add(credential(id('ada'), 'a'), codes(id('ada')));
      expect(await t.store.resetMfa(id('ada'))).toBe(true);
      expect(await t.store.listWebAuthnCredentials(id('ada'))).toEqual([]);
      expect(await t.store.countRecoveryCodes(id('ada'))).toBe(0);
      expect(await t.store.resetMfa(id('ada'))).toBe(false);
    });
  });

  describe('webauthn: ceremony challenges', () => {
    const challenge = (label: string, overrides = {}) => ({
      challenge: id(label),
      userId: id('ada'),
      sessionId: id('s1'),
      ceremony: 'authentication' as const,
      expiresAt: later(300_000),
      ...overrides,
    });

    it('answers a challenge once, to its own user, session and ceremony', async () => {
      await t.store.putWebAuthnChallenge(challenge('c1'));
      expect(await t.store.takeWebAuthnChallenge(id('max'), id('s1'), id('c1'), 'authentication')).toBeNull();
      expect(await t.store.takeWebAuthnChallenge(id('ada'), id('s2'), id('c1'), 'authentication')).toBeNull();
      expect(await t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('c1'), 'registration')).toBeNull();
      expect(await t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('c1'), 'authentication')).toEqual(
        challenge('c1'),
      );
      expect(await t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('c1'), 'authentication')).toBeNull();
    });

    it('answers an expired challenge with its expiry (the caller refuses it), once', async () => {
      await t.store.putWebAuthnChallenge(challenge('old', { expiresAt: T0 }));
      expect(await t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('old'), 'authentication')).toEqual(
        challenge('old', { expiresAt: T0 }),
      );
    });

    it('answers a challenge to exactly one of concurrent takers', async () => {
      await t.store.putWebAuthnChallenge(challenge('race'));
      const taken = await times(10, () =>
        t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('race'), 'authentication'),
      );
      expect(taken.filter((c) => c !== null)).toHaveLength(1);
    });

    it('pruneExpired removes expired challenges and keeps the rest', async () => {
      const OLD = new Date('2001-01-01T00:00:00Z');
      await t.store.putWebAuthnChallenge(challenge('gone', { expiresAt: OLD }));
      await t.store.putWebAuthnChallenge(challenge('kept'));
      await t.store.pruneExpired({
        now: new Date(OLD.getTime() + 10_000),
        sessionsBefore: OLD,
        attemptsBefore: OLD,
        keepFailures: 100,
        limit: 100,
      });
      expect(
        await t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('gone'), 'authentication'),
      ).toBeNull();
      expect(
        await t.store.takeWebAuthnChallenge(id('ada'), id('s1'), id('kept'), 'authentication'),
      ).not.toBeNull();
    });
  });

  describe('webauthn: settleAttempt with an assertion', () => {
    it('a valid assertion moves the counter on, records its use and verifies the session with webauthn', async () => {
      await add(credential(id('ada'), 'a', { counter: 4 }));
      const result = await t.store.settleAttempt(
        assertion(id('ada'), { expectedCounter: 4, counter: 5, backedUp: true }),
      );
      expect(result).toMatchObject({ outcome: 'verified' });
      expect(await t.store.getWebAuthnCredential(id('ada'), id('cred-a'))).toMatchObject({
        counter: 5,
        backedUp: true,
        lastUsedAt: later(1000),
      });
      expect(await t.store.getSession(id('ada'), id('assert'))).toEqual({
        userId: id('ada'),
        sessionId: id('assert'),
        verifiedAt: later(1000),
        method: 'webauthn',
      });
    });

    it('of two assertions judged on the same counter, one verifies; the other is a replay and counts', async () => {
      await add(credential(id('ada'), 'a'));
      const results = await times(5, () => t.store.settleAttempt(assertion(id('ada'), {})));
      expect(results.filter((r) => r.outcome === 'verified')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'replayed')).toHaveLength(4);
      expect((await t.store.getAttempts(id('ada'))).failures).toBe(4);
    });

    it('an invalid assertion or a counter gone backwards counts a failure and changes no credential', async () => {
      const a = credential(id('ada'), 'a', { counter: 7 });
      await add(a);
      const invalid = await t.store.settleAttempt(
        assertion(id('ada'), { verdict: 'invalid', expectedCounter: 7 }),
      );
      expect(invalid).toMatchObject({ outcome: 'invalid', failures: 1 });
      const regressed = await t.store.settleAttempt(
        assertion(id('ada'), { verdict: 'counter_regressed', expectedCounter: 7, counter: 3 }),
      );
      expect(regressed).toMatchObject({ outcome: 'replayed', failures: 2 });
      expect(await t.store.getWebAuthnCredential(id('ada'), a.credentialId)).toEqual(a);
      expect(await t.store.getSession(id('ada'), id('assert'))).toBeNull();
    });

    it('another user’s credential verifies nothing', async () => {
      await add(credential(id('max'), 'a'));
      const result = await t.store.settleAttempt(assertion(id('ada'), {}));
      expect(result).toMatchObject({ outcome: 'replayed', failures: 1 });
      expect((await t.store.getWebAuthnCredential(id('max'), id('cred-a')))?.counter).toBe(0);
    });

    it('a locked user is judged not at all', async () => {
      await add(credential(id('ada'), 'a'));
      for (let i = 0; i < SCHEDULE.threshold; i++) await fail(id('ada'), T0);
      const result = await t.store.settleAttempt(assertion(id('ada'), {}, later(1000)));
      expect(result).toMatchObject({ outcome: 'locked' });
      expect((await t.store.getWebAuthnCredential(id('ada'), id('cred-a')))?.counter).toBe(0);
    });
  });
}
