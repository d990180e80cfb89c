/**
 * One portal hosts many tenants, and an attacker is often one of its own users:
 * a member who wants an administrator's powers, an administrator of one account
 * who reaches into another, a user who replays someone else's session id, or a
 * thief holding a session that was verified long ago. mfakit takes the user only
 * from the host's authentication (never from the request), scopes every account
 * route to the caller's membership and role, scopes reads of the audit to the
 * account and its members, asks for a verification within 15 minutes before any
 * sensitive change, and ends a user's verified sessions when their factor goes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routes } from '../../src/http/routes/index.ts';
import { createHarness, type Harness, storeFactories } from '../support.ts';

const STEP_UP_SECONDS = 15 * 60;
/** The id of the WebAuthn credential planted for the removal case. */
const PLANTED = 'cGxhbnRlZA';

interface StepUpCase {
  method: string;
  path: string;
  body?: unknown;
  /** What the call needs besides ada's enrollment, set up before it. */
  before?: (h: Harness) => Promise<void>;
  /** Whether the call took effect. */
  done: (h: Harness) => Promise<boolean>;
}

/** Every endpoint DESIGN.md marks "step-up", with a body that changes something. */
const stepUpCases: Record<string, StepUpCase> = {
  'PUT policy (optional)': {
    method: 'PUT',
    path: '/mfa/accounts/acme/policy',
    body: { mode: 'optional', gracePeriodDays: 30 },
    done: async (h) => ((await h.store.getPolicy('acme'))?.version ?? 0) > 0,
  },
  'PUT policy (required_all)': {
    method: 'PUT',
    path: '/mfa/accounts/acme/policy',
    body: { mode: 'required_all' },
    done: async (h) => ((await h.store.getPolicy('acme'))?.version ?? 0) > 0,
  },
  'DELETE member MFA': {
    method: 'DELETE',
    path: '/mfa/accounts/acme/members/max/mfa',
    before: async (h) => {
      await h.enroll('max');
    },
    done: async (h) => (await h.store.getTotpFactor('max')) === null,
  },
  'POST /me/totp/setup (replacing the factor)': {
    method: 'POST',
    path: '/mfa/me/totp/setup',
    done: async (h) => (await h.store.getPendingTotp('ada')) !== null,
  },
  'DELETE /me/totp': {
    method: 'DELETE',
    path: '/mfa/me/totp',
    done: async (h) => (await h.store.getTotpFactor('ada')) === null,
  },
  'POST /me/recovery-codes': {
    method: 'POST',
    path: '/mfa/me/recovery-codes',
    done: async (h) => h.events.some((e) => e.type === 'recovery_codes.regenerated'),
  },
  'POST /me/webauthn/registration (adding a factor)': {
    method: 'POST',
    path: '/mfa/me/webauthn/registration',
    body: {},
    // Beginning a registration stores its challenge: the only row a prune far ahead finds here.
    done: async (h) =>
      (await h.store.pruneExpired({
        now: new Date(h.clock.now.getTime() + 86_400_000),
        sessionsBefore: new Date(0),
        attemptsBefore: new Date(0),
        keepFailures: 100,
        limit: 100,
      })) > 0,
  },
  'DELETE /me/webauthn/credentials/:credentialId': {
    method: 'DELETE',
    path: `/mfa/me/webauthn/credentials/${PLANTED}`,
    before: async (h) => {
      await h.store.webAuthnUserHandle('ada', 'handle-ada');
      const credential = {
        userId: 'ada',
        credentialId: PLANTED,
        publicKey: 'cGs',
        counter: 0,
        transports: [],
        backedUp: false,
        name: 'Key',
        createdAt: h.clock.now,
        lastUsedAt: null,
      };
      const session = {
        userId: 'ada',
        sessionId: 'ada-s1',
        verifiedAt: h.clock.now,
        method: 'webauthn' as const,
      };
      await h.store.addWebAuthnCredential(credential, { limit: 10, recoveryCodeHashes: [], session });
    },
    done: async (h) => (await h.store.getWebAuthnCredential('ada', PLANTED)) === null,
  },
};

it('covers every step-up route of the API', () => {
  // A 15-minute step-up (a rename asks only for a verified session: the binding tests have it).
  const stepUpRoutes = new Set(
    routes
      .filter((r) => r.stepUp && r.stepUp({} as never) !== 'verified_session')
      .map((r) => `${r.method} /mfa${r.path}`),
  );
  const tested = new Set(
    Object.values(stepUpCases).map(
      (c) =>
        `${c.method} ${c.path.replace('/acme', '/:accountId').replace('/max/', '/:userId/').replace(PLANTED, ':credentialId')}`,
    ),
  );
  expect(tested).toEqual(stepUpRoutes);
});

describe.each(storeFactories)('isolation on the %s store', (_name, makeStore) => {
  let h: Harness;
  beforeEach(() => {
    h = createHarness({ store: makeStore() });
  });
  afterEach(async () => {
    await h.mfa.close();
  });

  const access = async (as: string, session: string, accountId = 'acme') =>
    (await h.json('GET', `/mfa/accounts/${accountId}/access`, { as, session })).body;
  const sessionVerified = async (as: string, session: string) =>
    (await h.json('GET', '/mfa/me', { as, session })).body.session.verified as boolean;

  describe('a user acts only on their own factors', () => {
    it('gives the /me routes and the challenge no way to name another user', async () => {
      const ada = await h.enroll('ada');
      const max = await h.enroll('max');
      const adaCode = await h.code(ada.secret);
      const named = [
        ['GET', '/mfa/me?userId=ada', undefined],
        ['POST', '/mfa/me/totp/setup', { userId: 'ada' }],
        ['POST', '/mfa/me/totp/confirm', { code: adaCode, userId: 'ada' }],
        ['DELETE', '/mfa/me/totp', { userId: 'ada' }],
        ['POST', '/mfa/me/recovery-codes', { userId: 'ada' }],
        ['POST', '/mfa/challenge', { code: adaCode, userId: 'ada' }],
        ['POST', '/mfa/challenge?userId=ada', { code: adaCode }],
      ] as const;
      for (const [method, path, body] of named) {
        const answer = await h.json(method, path, { as: 'max', ...(body ? { body } : {}) });
        expect(answer.status, `${method} ${path}`).toBe(400);
        expect(answer.body.error.code).toBe('invalid_request');
      }
      expect((await h.json('GET', '/mfa/me/ada', { as: 'max' })).status).toBe(404);

      // Ada's code is judged against max's secret, and counts against max only.
      const borrowed = await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: adaCode } });
      expect(borrowed.body.error.code).toBe('invalid_code');
      expect((await h.store.getAttempts('ada')).failures).toBe(0);
      expect((await h.store.getAttempts('max')).failures).toBe(1);

      // Max's changes touch max's factor only.
      expect((await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' })).status).toBe(200);
      expect((await h.json('DELETE', '/mfa/me/totp', { as: 'max' })).status).toBe(200);
      expect((await h.store.getTotpFactor('max')) === null).toBe(true);
      const me = (await h.json('GET', '/mfa/me', { as: 'ada' })).body;
      expect(me).toMatchObject({ userId: 'ada', enrolled: true, recoveryCodesRemaining: 10 });
      const own = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        session: 'ada-s2',
        body: { code: adaCode },
      });
      expect(own.status).toBe(200);
      const recovery = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        session: 'ada-s3',
        body: { recoveryCode: ada.recoveryCodes[0] },
      });
      expect(recovery.status).toBe(200);
      expect(max.recoveryCodes).not.toContain(ada.recoveryCodes[0]);
    });

    it("does not count one user's verified session for another with the same session id", async () => {
      await h.enroll('max');
      await h.enroll('ada', 'shared-id');
      expect(await sessionVerified('ada', 'shared-id')).toBe(true);

      expect(await sessionVerified('max', 'shared-id')).toBe(false);
      expect(await access('max', 'shared-id')).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ['totp', 'webauthn'],
      });
      const area = await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'shared-id' });
      expect(area.status).toBe(403);
      expect(area.body.error.code).toBe('challenge_required');
      for (const [method, path] of [
        ['DELETE', '/mfa/me/totp'],
        ['POST', '/mfa/me/recovery-codes'],
      ] as const) {
        const stepUp = await h.json(method, path, { as: 'max', session: 'shared-id' });
        expect(stepUp.status).toBe(401);
        expect(stepUp.body.error.code).toBe('step_up_required');
      }
      expect(await h.store.getTotpFactor('max')).not.toBeNull();
      // Ada's own session is untouched.
      expect(await access('ada', 'shared-id')).toEqual({ allow: true, reason: 'verified' });
    });
  });

  describe('an administrator acts only on their own account', () => {
    it.each([
      ['contoso', 'cleo', 'Contoso'],
      ['solo', 'olga', 'Solo'],
    ])('keeps the administrator of acme out of %s', async (accountId, admin, accountName) => {
      await h.enroll(admin);
      await h.enroll('ada');
      const calls = [
        ['GET', `/mfa/accounts/${accountId}/policy`, undefined],
        ['PUT', `/mfa/accounts/${accountId}/policy`, { mode: 'optional', gracePeriodDays: 90 }],
        ['PUT', `/mfa/accounts/${accountId}/policy`, { mode: 'required_all' }],
        ['GET', `/mfa/accounts/${accountId}/members`, undefined],
        ['GET', `/mfa/accounts/${accountId}/audit`, undefined],
        ['GET', `/mfa/accounts/${accountId}/access`, undefined],
        ['DELETE', `/mfa/accounts/${accountId}/members/${admin}/mfa`, undefined],
        ['GET', `/accounts/${accountId}/area`, undefined],
      ] as const;
      for (const [method, path, body] of calls) {
        const res = await h.request(method, path, { as: 'ada', ...(body ? { body } : {}) });
        const text = await res.text();
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(JSON.parse(text).error.code).toBe('not_member');
        // Not even the account's name or its administrator leaks.
        expect(text).not.toContain(accountName);
        expect(text).not.toContain(admin);
      }
      expect(await h.store.getPolicy(accountId)).toBeNull();
      expect(await h.store.getTotpFactor(admin)).not.toBeNull();
      expect(h.events.filter((e) => e.accountId === accountId)).toEqual([]);
    });

    it('resets only members of its account who belong to no other account', async () => {
      for (const user of ['cleo', 'sam', 'ada']) await h.enroll(user);
      const outsider = await h.json('DELETE', '/mfa/accounts/acme/members/cleo/mfa', { as: 'ada' });
      expect(outsider.status).toBe(404);
      expect(outsider.body.error.code).toBe('not_member');
      const shared = await h.json('DELETE', '/mfa/accounts/acme/members/sam/mfa', { as: 'ada' });
      expect(shared.status).toBe(409);
      expect(shared.body.error.code).toBe('shared_member');
      const fromContoso = await h.json('DELETE', '/mfa/accounts/contoso/members/sam/mfa', { as: 'cleo' });
      expect(fromContoso.status).toBe(409);
      expect(fromContoso.body.error.code).toBe('shared_member');
      expect(await h.store.getTotpFactor('cleo')).not.toBeNull();
      expect(await h.store.getTotpFactor('sam')).not.toBeNull();
      expect(h.events.filter((e) => e.type === 'mfa.reset')).toEqual([]);
    });

    it('refuses the administrator routes to a member: 403 not_admin', async () => {
      await h.enroll('ada');
      await h.enroll('max');
      const calls = [
        ['PUT', '/mfa/accounts/acme/policy', { mode: 'optional' }],
        ['GET', '/mfa/accounts/acme/members', undefined],
        ['GET', '/mfa/accounts/acme/audit', undefined],
        ['DELETE', '/mfa/accounts/acme/members/ada/mfa', undefined],
      ] as const;
      for (const [method, path, body] of calls) {
        const answer = await h.json(method, path, { as: 'max', ...(body ? { body } : {}) });
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.body.error.code).toBe('not_admin');
      }
      expect(await h.store.getPolicy('acme')).toBeNull();
      expect(await h.store.getTotpFactor('ada')).not.toBeNull();
      const policy = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' });
      expect(policy.body.canManage).toBe(false);
    });

    it("shows in an account's audit only its events and its members' own", async () => {
      // Events all over the portal: solo, contoso (with sam, who is in both), acme.
      const olga = await h.enroll('olga');
      await h.json('POST', '/mfa/challenge', { as: 'olga', body: { code: '000000' } });
      const olgaCode = await h.code(olga.secret);
      await h.json('POST', '/mfa/challenge', { as: 'olga', body: { code: olgaCode } });
      await h.json('POST', '/mfa/challenge', { as: 'olga', session: 'olga-s2', body: { code: olgaCode } });
      await h.json('PUT', '/mfa/accounts/solo/policy', { as: 'olga', body: { mode: 'required_all' } });
      await h.json('POST', '/mfa/me/recovery-codes', { as: 'olga' });
      await h.mfa.resetUser('olga');
      await h.enroll('cleo');
      await h.json('PUT', '/mfa/accounts/contoso/policy', { as: 'cleo', body: { mode: 'required_admins' } });
      for (let i = 0; i < 6; i++)
        await h.json('POST', '/mfa/challenge', { as: 'cleo', session: 'cleo-s2', body: { code: '000000' } });
      await h.enroll('sam');
      await h.json('POST', '/mfa/challenge', { as: 'sam', body: { code: '000000' } });
      await h.enroll('ada');
      await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_admins' } });
      await h.enroll('max');
      await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: '000000' } });

      const readAll = async (as: string, accountId: string) => {
        const seen: {
          id: string;
          type: string;
          actorId: string | null;
          userId: string | null;
          accountId: string | null;
        }[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `?limit=3&cursor=${cursor}` : '?limit=3';
          const page = await h.json('GET', `/mfa/accounts/${accountId}/audit${query}`, { as });
          expect(page.status).toBe(200);
          seen.push(...page.body.events);
          cursor = page.body.nextCursor;
        } while (cursor);
        return seen;
      };
      const expected = (accountId: string, members: string[]) =>
        h.events
          .filter(
            (e) => e.accountId === accountId || (e.accountId === null && members.includes(e.userId ?? '')),
          )
          .map((e) => e.id)
          .reverse();

      const acme = await readAll('ada', 'acme');
      for (const event of acme) {
        expect(['olga', 'cleo']).not.toContain(event.userId);
        expect(['olga', 'cleo']).not.toContain(event.actorId);
        expect([null, 'acme']).toContain(event.accountId);
      }
      expect(acme.map((e) => e.id)).toEqual(expected('acme', ['ada', 'max', 'sam']));
      expect(acme.some((e) => e.userId === 'sam')).toBe(true);

      const contoso = await readAll('cleo', 'contoso');
      for (const event of contoso) {
        expect(['olga', 'ada', 'max']).not.toContain(event.userId);
        expect([null, 'contoso']).toContain(event.accountId);
      }
      expect(contoso.map((e) => e.id)).toEqual(expected('contoso', ['cleo', 'sam']));
      // The test means something only if the others' events exist.
      expect(h.events.filter((e) => e.userId === 'olga').length).toBeGreaterThan(4);
      expect(h.events.filter((e) => e.accountId === 'contoso')).toHaveLength(1);
    });
  });

  describe('step-up: a sensitive call needs a verification within 15 minutes', () => {
    it.each(Object.entries(stepUpCases))(
      '%s is refused 15 min after the verification, and accepted after a new one',
      async (_label, call) => {
        await call.before?.(h);
        const ada = await h.enroll('ada'); // verified now, and the clock moved 30 s
        h.advance(STEP_UP_SECONDS - 30 + 1);
        // Still verified for entering the account (12 h); too old for a sensitive change.
        expect(await access('ada', 'ada-s1')).toEqual({ allow: true, reason: 'verified' });
        const refused = await h.json(call.method, call.path, {
          as: 'ada',
          ...(call.body ? { body: call.body } : {}),
        });
        expect(refused.status).toBe(401);
        expect(refused.body.error.code).toBe('step_up_required');
        expect(await call.done(h)).toBe(false);

        const verify = await h.json('POST', '/mfa/challenge', {
          as: 'ada',
          body: { code: await h.code(ada.secret) },
        });
        expect(verify.status).toBe(200);
        const accepted = await h.json(call.method, call.path, {
          as: 'ada',
          ...(call.body ? { body: call.body } : {}),
        });
        expect(accepted.status).toBe(200);
        expect(await call.done(h)).toBe(true);
      },
    );

    it.each(Object.entries(stepUpCases))(
      '%s is accepted 14:59 after the verification',
      async (_label, call) => {
        await call.before?.(h);
        await h.enroll('ada');
        h.advance(STEP_UP_SECONDS - 30 - 1);
        const accepted = await h.json(call.method, call.path, {
          as: 'ada',
          ...(call.body ? { body: call.body } : {}),
        });
        expect(accepted.status).toBe(200);
        expect(await call.done(h)).toBe(true);
      },
    );

    it('refuses any policy change to an administrator who has no MFA or did not verify this session', async () => {
      for (const mode of ['optional', 'required_admins', 'required_all']) {
        const refused = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode } });
        expect(refused.status).toBe(401);
        expect(refused.body.error.code).toBe('step_up_required');
      }
      expect(await h.store.getPolicy('acme')).toBeNull();

      await h.enroll('ada');
      // Another session of hers was never verified: the access decision refuses it first.
      const otherSession = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        session: 'ada-s2',
        body: { mode: 'required_all' },
      });
      expect(otherSession.body.error.code).toBe('challenge_required');
      const verified = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'required_all' },
      });
      expect(verified.status).toBe(200);
    });
  });

  describe('losing the factor ends the verified sessions', () => {
    it('ends them when the user removes MFA', async () => {
      const { secret } = await h.enroll('ada');
      const second = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        session: 'ada-s2',
        body: { code: await h.code(secret) },
      });
      expect(second.status).toBe(200);
      expect((await h.json('DELETE', '/mfa/me/totp', { as: 'ada' })).status).toBe(200);
      expect(await sessionVerified('ada', 'ada-s1')).toBe(false);
      expect(await sessionVerified('ada', 'ada-s2')).toBe(false);

      // Set up again in one session: the other must verify again.
      await h.enroll('ada');
      expect(await access('ada', 'ada-s2')).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ['totp', 'webauthn'],
      });
      const area = await h.json('GET', '/accounts/acme/area', { as: 'ada', session: 'ada-s2' });
      expect(area.body.error.code).toBe('challenge_required');
    });

    it.each([
      ['an administrator', 'admin'],
      ["the host's staff", 'host'],
    ] as const)('ends them when %s resets the MFA', async (_who, by) => {
      const { secret } = await h.enroll('max');
      const second = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s2',
        body: { code: await h.code(secret) },
      });
      expect(second.status).toBe(200);
      await h.enroll('ada');
      expect(
        (await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_all' } }))
          .status,
      ).toBe(200);
      expect(await access('max', 'max-s2')).toEqual({ allow: true, reason: 'verified' });

      if (by === 'admin') {
        expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(
          200,
        );
      } else {
        await h.mfa.resetUser('max');
      }
      for (const session of ['max-s1', 'max-s2']) {
        expect(await sessionVerified('max', session)).toBe(false);
        expect(await access('max', session)).toMatchObject({ allow: false, reason: 'enrollment_required' });
        const area = await h.json('GET', '/accounts/acme/area', { as: 'max', session });
        expect(area.body.error.code).toBe('enrollment_required');
      }
      // The enrollment endpoints stay reachable; the other session must verify again.
      await h.enroll('max');
      expect(await access('max', 'max-s2')).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ['totp', 'webauthn'],
      });
    });
  });
});
