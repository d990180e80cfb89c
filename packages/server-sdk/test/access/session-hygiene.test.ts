/**
 * Sessions that outlive the factor. A thief who got one of a user's sessions
 * verified (a borrowed laptop, a phishing proxy, a recovery code read over a
 * shoulder) keeps it when the user notices and removes their authenticator, or
 * an administrator resets it after a lost phone, unless the removal ends every
 * verified session of that user. Then the stolen session is unverified like any
 * other, and when the user sets MFA up again it must verify with the new factor.
 * This holds for every way a session was verified (enrollment, app, recovery code),
 * for all three ways MFA goes (removal, an administrator's reset, the host's
 * reset), on every instance that shares the store, and for that user only.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MfaStore, memoryStore } from '../../src/index.ts';
import { sqliteStore } from '../../src/sqlite.ts';
import { accessOf, createHarness, type Harness, sessionVerified, tempFolder } from '../support.ts';

const MAX_SESSIONS = ['max-s1', 'max-s2', 'max-s3', 'max-s4', 'max-s5'];

/** max verified in five sessions: by enrolling, by three app codes, by a recovery code; ada in two. */
async function verifiedEverywhere(h: Harness) {
  const max = await h.enroll('max');
  for (const session of ['max-s2', 'max-s3', 'max-s4']) {
    const res = await h.json('POST', '/mfa/challenge', {
      as: 'max',
      session,
      body: { code: await h.code(max.secret) },
    });
    expect(res.status).toBe(200);
    h.advance(30);
  }
  const recovery = await h.json('POST', '/mfa/challenge', {
    as: 'max',
    session: 'max-s5',
    body: { recoveryCode: max.recoveryCodes[0] },
  });
  expect(recovery.status).toBe(200);
  const ada = await h.enroll('ada');
  expect(
    (
      await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        session: 'ada-s2',
        body: { code: await h.code(ada.secret) },
      })
    ).status,
  ).toBe(200);
  for (const session of MAX_SESSIONS) expect(await sessionVerified(h, 'max', session)).toBe(true);
  return { max, ada };
}

const endings: Record<string, { policy: 'optional' | 'required_all'; end: (h: Harness) => Promise<void> }> = {
  'the user removes MFA (from one of the sessions)': {
    policy: 'optional',
    end: async (h) => {
      expect((await h.json('DELETE', '/mfa/me/totp', { as: 'max', session: 'max-s4' })).status).toBe(200);
    },
  },
  'an administrator resets it': {
    policy: 'required_all',
    end: async (h) => {
      expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    },
  },
  "the host's staff reset it": {
    policy: 'required_all',
    end: async (h) => {
      await h.mfa.resetUser('max');
    },
  },
};

const stores: [name: string, make: () => MfaStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ filename: ':memory:' })],
];

describe.each(stores)('on the %s store', (_name, makeStore) => {
  describe.each(Object.entries(endings))('when %s', (_label, { policy, end }) => {
    let h: Harness;
    beforeEach(() => {
      h = createHarness({ store: makeStore() });
    });
    afterEach(async () => {
      await h.mfa.close();
    });

    it("ends every verified session of that user, and no one else's", async () => {
      await verifiedEverywhere(h);
      if (policy !== 'optional') {
        const res = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: policy } });
        expect(res.status).toBe(200);
      }
      await end(h);

      for (const session of MAX_SESSIONS) {
        expect(await h.store.getSession('max', session)).toBeNull();
        expect(await sessionVerified(h, 'max', session)).toBe(false);
        const access = await accessOf(h, 'max', session);
        expect(access.reason).not.toBe('verified');
        if (policy === 'required_all') {
          // Reset under a requiring policy: no way in without setting MFA up again.
          expect(access).toMatchObject({ allow: false, reason: 'enrollment_required' });
          const area = await h.json('GET', '/accounts/acme/area', { as: 'max', session });
          expect(area.body.error.code).toBe('enrollment_required');
        }
      }
      for (const session of ['ada-s1', 'ada-s2']) {
        expect(await sessionVerified(h, 'ada', session)).toBe(true);
        expect(await accessOf(h, 'ada', session)).toEqual({ allow: true, reason: 'verified' });
      }
    });

    it('makes every old session verify with the new factor after the user sets MFA up again', async () => {
      await verifiedEverywhere(h);
      if (policy !== 'optional') {
        await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: policy } });
      }
      await end(h);
      const again = await h.enroll('max', 'max-new');
      for (const session of MAX_SESSIONS) {
        expect(await accessOf(h, 'max', session)).toEqual({
          allow: false,
          reason: 'challenge_required',
          accepts: ['totp', 'webauthn'],
        });
        // Nor does a sensitive change go through from one of them.
        const stepUp = await h.json('POST', '/mfa/me/recovery-codes', { as: 'max', session });
        expect(stepUp.body.error.code).toBe('step_up_required');
      }
      expect(await accessOf(h, 'max', 'max-new')).toEqual({ allow: true, reason: 'verified' });
      const verify = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s3',
        body: { code: await h.code(again.secret) },
      });
      expect(verify.status).toBe(200);
      expect(await accessOf(h, 'max', 'max-s3')).toEqual({ allow: true, reason: 'verified' });
    });
  });
});

describe('across instances that share an SQLite file', () => {
  let folder: ReturnType<typeof tempFolder>;
  const open: Harness[] = [];
  const instance = (policyCacheTtl: number) => {
    const h = createHarness({ store: sqliteStore({ filename: folder.file() }), policyCacheTtl });
    open.push(h);
    return h;
  };
  beforeEach(() => {
    folder = tempFolder();
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.mfa.close();
    folder.cleanup();
  });

  it('a reset on one instance ends the sessions on the other at once (no cache)', async () => {
    const a = instance(0);
    const b = instance(0);
    await verifiedEverywhere(a);
    b.clock.now = a.clock.now;
    for (const session of MAX_SESSIONS)
      expect((await b.json('GET', '/accounts/acme/area', { as: 'max', session })).status).toBe(200);
    await b.mfa.resetUser('max');
    for (const session of MAX_SESSIONS) {
      expect(await sessionVerified(a, 'max', session)).toBe(false);
      expect((await a.json('GET', '/mfa/accounts/acme/access', { as: 'max', session })).body.reason).not.toBe(
        'verified',
      );
    }
  });

  it('and within policyCacheTtl on an instance that remembers decisions', async () => {
    const a = instance(1);
    const b = instance(0);
    await a.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });
    await verifiedEverywhere(a);
    a.clock.now = b.clock.now = new Date(a.clock.now);
    await b.json('PUT', '/mfa/accounts/acme/policy', {
      as: 'ada',
      session: 'ada-s2',
      body: { mode: 'required_all' },
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const session of MAX_SESSIONS)
      expect((await a.json('GET', '/accounts/acme/area', { as: 'max', session })).status).toBe(200);
    await b.mfa.resetUser('max');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const session of MAX_SESSIONS) {
      const area = await a.json('GET', '/accounts/acme/area', { as: 'max', session });
      expect(area.status).toBe(403);
      expect(area.body.error.code).toBe('enrollment_required');
    }
  });
});
