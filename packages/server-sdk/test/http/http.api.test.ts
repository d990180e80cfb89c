/**
 * The HTTP API of DESIGN.md, endpoint by endpoint: the happy path and each
 * documented state error, asserting the status, the body and what the store
 * holds afterwards. Malformed input and the order of the checks are in
 * `http.bad-input.test.ts`; random input in `http.property.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../src/errors.ts';
import { routes } from '../../src/http/routes/index.ts';
import { STEP_UP_MAX_AGE } from '../../src/policy/binding-step-up.ts';
import { createHarness, expectError, type Harness, storeFactories, T0, wrongCode } from '../support.ts';

const DAY = 86_400;
const iso = (date: Date) => date.toISOString();
const daysAfter = (date: Date, days: number) => new Date(date.getTime() + days * DAY * 1000);
const RECOVERY_CODE = /^[a-z2-7]{5}-[a-z2-7]{5}$/;

/** Enrolls the account's admin (whose session is then fresh) and sets a policy. */
async function setPolicy(
  h: Harness,
  accountId: string,
  admin: string,
  body: Record<string, unknown>,
): Promise<void> {
  if (!(await h.store.getTotpFactor(admin))) await h.enroll(admin);
  const res = await h.json('PUT', `/mfa/accounts/${accountId}/policy`, { as: admin, body });
  if (res.status !== 200) throw new Error(`policy not set: ${JSON.stringify(res.body)}`);
}

const access = (h: Harness, user: string, accountId = 'acme', options: Record<string, unknown> = {}) =>
  h.json('GET', `/mfa/accounts/${accountId}/access`, { as: user, ...options });

describe.each(storeFactories)('on the %s store', (_store, makeStore) => {
  const harness = () => createHarness({ store: makeStore() });

  describe('GET /accounts/:accountId/policy', () => {
    it('answers the default policy for an account nobody configured, without storing one', async () => {
      const h = harness();
      const res = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accountId: 'acme',
        mode: 'optional',
        gracePeriodDays: 7,
        enforceAfterSso: false,
        allowedFactors: 'any',
        rememberDeviceDays: 0,
        enforceFrom: null,
        version: 0,
        updatedAt: null,
        updatedBy: null,
        updatedByName: null,
        sso: { enabled: false, provider: null },
        canManage: true,
        compliance: { members: 3, enrolled: 0, withAcceptedMethod: 0, phishingResistant: 0 },
      });
      expect(res.res.headers.get('cache-control')).toBe('no-store');
      expect(await h.store.getPolicy('acme')).toBeNull();
    });

    it('says canManage true to an administrator and false to a member', async () => {
      const h = harness();
      expect((await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' })).body.canManage).toBe(true);
      const member = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' });
      expect(member.status).toBe(200);
      expect(member.body).toMatchObject({ accountId: 'acme', mode: 'optional', canManage: false });
      // sam is a member of contoso but not its admin.
      expect((await h.json('GET', '/mfa/accounts/contoso/policy', { as: 'sam' })).body.canManage).toBe(false);
    });

    it("shows the account's SSO integration", async () => {
      const h = harness();
      const contoso = await h.json('GET', '/mfa/accounts/contoso/policy', { as: 'cleo' });
      expect(contoso.body.sso).toEqual({ enabled: true, provider: 'Active Directory' });
      const acme = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' });
      expect(acme.body.sso).toEqual({ enabled: false, provider: null });
    });

    it("counts the account's members and those of them with MFA, and nobody else", async () => {
      const h = harness();
      await h.enroll('max');
      await h.enroll('sam');
      await h.enroll('cleo'); // contoso only
      await h.enroll('olga'); // solo only
      const acme = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' });
      expect(acme.body.compliance).toMatchObject({ members: 3, enrolled: 2 });
      const contoso = await h.json('GET', '/mfa/accounts/contoso/policy', { as: 'cleo' });
      expect(contoso.body.compliance).toMatchObject({ members: 2, enrolled: 2 });
      // A setup that was never confirmed does not count.
      await h.json('POST', '/mfa/me/totp/setup', { as: 'ada' });
      expect((await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' })).body.compliance.enrolled).toBe(
        2,
      );
    });

    it('remembers the counts for policyCacheTtl, made anew by a write of this instance or a new policy', async () => {
      const h = createHarness({ store: makeStore(), policyCacheTtl: 60 });
      const counts = async () =>
        (await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' })).body.compliance;
      expect(await counts()).toMatchObject({ members: 3, enrolled: 0 });
      await h.enroll('max'); // through this instance: counted at once
      expect(await counts()).toMatchObject({ members: 3, enrolled: 1 });
      // A member the directory gained shows within policyCacheTtl, or with the next policy.
      (h.dir.memberships.acme as Record<string, string>).olga = 'member';
      expect(await counts()).toMatchObject({ members: 3 });
      await setPolicy(h, 'acme', 'ada', { mode: 'optional', gracePeriodDays: 7, enforceAfterSso: false });
      expect(await counts()).toMatchObject({ members: 4, enrolled: 2 });
    });

    it('names who changed the policy and when', async () => {
      const h = harness();
      h.advance(3600);
      await h.enroll('ada'); // changing a policy needs an administrator with MFA
      const changedAt = new Date(h.clock.now);
      await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', gracePeriodDays: 14 },
      });
      h.advance(60);
      const res = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'max' });
      expect(res.body).toMatchObject({
        mode: 'optional',
        gracePeriodDays: 14,
        version: 1,
        updatedBy: 'ada',
        updatedByName: 'Ada Admin',
        updatedAt: iso(changedAt),
        canManage: false,
      });
    });
  });

  describe('PUT /accounts/:accountId/policy', () => {
    it('stores the policy with the defaults (7 days, SSO delegates), answers it as GET does, and audits it', async () => {
      const h = harness();
      await h.enroll('ada');
      const at = new Date(h.clock.now);
      h.events.length = 0;
      const put = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({
        accountId: 'acme',
        mode: 'optional',
        gracePeriodDays: 7,
        enforceAfterSso: false,
        version: 1,
        updatedBy: 'ada',
        updatedAt: iso(at),
        canManage: true,
      });
      const get = await h.json('GET', '/mfa/accounts/acme/policy', { as: 'ada' });
      expect(put.body).toEqual(get.body);
      expect(await h.store.getPolicy('acme')).toEqual({
        accountId: 'acme',
        mode: 'optional',
        gracePeriodDays: 7,
        enforceAfterSso: false,
        allowedFactors: 'any',
        rememberDeviceDays: 0,
        enforceFrom: null,
        version: 1,
        updatedAt: at,
        updatedBy: 'ada',
      });
      const [event] = await h.store.listAudit({ accountId: 'acme', userIds: [], limit: 10 });
      expect(event).toMatchObject({ type: 'policy.updated', actorId: 'ada', accountId: 'acme' });
      expect(h.events.map((e) => e.type)).toEqual(['policy.updated']);
    });

    it('replaces the whole policy: omitted fields take their defaults again', async () => {
      const h = harness();
      await h.enroll('cleo');
      await h.json('PUT', '/mfa/accounts/contoso/policy', {
        as: 'cleo',
        body: { mode: 'optional', gracePeriodDays: 30, enforceAfterSso: true },
      });
      const put = await h.json('PUT', '/mfa/accounts/contoso/policy', {
        as: 'cleo',
        body: { mode: 'optional' },
      });
      expect(put.body).toMatchObject({ gracePeriodDays: 7, enforceAfterSso: false, version: 2 });
    });

    it('accepts a matching version and answers version + 1', async () => {
      const h = harness();
      await h.enroll('ada'); // changing a policy needs an administrator with MFA
      const first = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', version: 0 },
      });
      expect(first.body.version).toBe(1);
      const second = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', gracePeriodDays: 3, version: 1 },
      });
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ version: 2, gracePeriodDays: 3 });
      expect((await h.store.getPolicy('acme'))?.version).toBe(2);
    });

    it('refuses a stale version with 409 version_conflict and keeps the stored policy', async () => {
      const h = harness();
      await h.enroll('ada'); // changing a policy needs an administrator with MFA
      await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', gracePeriodDays: 3 },
      });
      const stale = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', gracePeriodDays: 60, version: 0 },
      });
      expectError(stale, 'version_conflict');
      const ahead = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', version: 5 },
      });
      expectError(ahead, 'version_conflict');
      expect(await h.store.getPolicy('acme')).toMatchObject({ version: 1, gracePeriodDays: 3 });
      expect(h.events.filter((e) => e.type === 'policy.updated')).toHaveLength(1);
    });

    it('refuses every change, switching MFA off included, to an administrator without MFA (step_up_required)', async () => {
      // A password alone must not switch MFA off for everyone (and so let its holder past the guard).
      const h = harness();
      for (const mode of ['optional', 'required_admins', 'required_all']) {
        const refused = await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode, gracePeriodDays: 10 },
        });
        expectError(refused, 'step_up_required');
      }
      expect(await h.store.getPolicy('acme')).toBeNull();
      expect(h.events).toEqual([]);
    });

    it('asks an administrator with MFA to verify again when the last verification is older than 15 minutes', async () => {
      const h = harness();
      const { secret } = await h.enroll('ada');
      h.advance(STEP_UP_MAX_AGE + 1);
      for (const mode of ['optional', 'required_admins', 'required_all']) {
        const refused = await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode } });
        expectError(refused, 'step_up_required');
      }
      // Another session of the same user was never verified: its access decision denies first.
      expectError(
        await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          session: 'ada-s2',
          body: { mode: 'required_all' },
        }),
        'challenge_required',
      );
      expect(await h.store.getPolicy('acme')).toBeNull();
      const challenge = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        body: { code: await h.code(secret) },
      });
      expect(challenge.status).toBe(200);
      const put = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'required_all' },
      });
      expect(put.status).toBe(200);
      expect(put.body.mode).toBe('required_all');
    });

    it('accepts a verification just inside the 15 minutes', async () => {
      const h = harness();
      await h.enroll('ada'); // verified, then 30 s pass
      h.advance(STEP_UP_MAX_AGE - 31);
      const put = await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'required_admins' },
      });
      expect(put.status).toBe(200);
    });

    it('accepts grace periods from 0 to 90 days and refuses others with 400', async () => {
      const h = harness();
      await h.enroll('ada'); // changing a policy needs an administrator with MFA
      for (const gracePeriodDays of [0, 90]) {
        const ok = await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode: 'optional', gracePeriodDays },
        });
        expect(ok.status).toBe(200);
        expect(ok.body.gracePeriodDays).toBe(gracePeriodDays);
      }
      for (const gracePeriodDays of [-1, 91, 1.5, '7', null, 1e9]) {
        const bad = await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode: 'optional', gracePeriodDays },
        });
        const error = expectError(bad, 'invalid_request');
        expect(error.details).toEqual(
          expect.arrayContaining([expect.objectContaining({ in: 'body', path: ['gracePeriodDays'] })]),
        );
      }
      expect((await h.store.getPolicy('acme'))?.gracePeriodDays).toBe(90);
    });

    it('refuses a mode that is not one of the three', async () => {
      const h = harness();
      expectError(
        await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'required_nobody' } }),
        'invalid_request',
      );
      expectError(
        await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: {} }),
        'invalid_request',
      );
    });
  });

  describe('GET /accounts/:accountId/members', () => {
    it('lists every member with enrolled, enrolledAt and deadline', async () => {
      const h = harness();
      h.advance(120);
      const enrolledAt = new Date(h.clock.now);
      await h.enroll('sam');
      const res = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
      expect(res.status).toBe(200);
      expect(res.body.members).toEqual(
        expect.arrayContaining([
          {
            userId: 'ada',
            displayName: 'Ada Admin',
            email: 'ada@acme.test',
            role: 'admin',
            enrolled: false,
            methods: [],
            enrolledAt: null,
            deadline: null,
            overdue: false,
            resetAt: null,
            lastRemindedAt: null,
          },
          {
            userId: 'max',
            displayName: 'Max Member',
            email: 'max@acme.test',
            role: 'member',
            enrolled: false,
            methods: [],
            enrolledAt: null,
            deadline: null,
            overdue: false,
            resetAt: null,
            lastRemindedAt: null,
          },
          {
            userId: 'sam',
            displayName: 'Sam Shared',
            email: 'sam@both.test',
            role: 'member',
            enrolled: true,
            methods: ['totp'],
            enrolledAt: iso(enrolledAt),
            deadline: null,
            overdue: false,
            resetAt: null,
            lastRemindedAt: null,
          },
        ]),
      );
      expect(res.body.members).toHaveLength(3);
    });

    it('gives a member who was evaluated under a requiring policy their deadline', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all', gracePeriodDays: 5 });
      h.advance(3600);
      const evaluatedAt = new Date(h.clock.now);
      expect((await access(h, 'max')).body.reason).toBe('grace_period');
      h.advance(DAY);
      await h.verify('ada'); // a day on, the administrator's session verifies again
      const res = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
      const byId = Object.fromEntries(res.body.members.map((m: { userId: string }) => [m.userId, m]));
      expect(byId.max).toMatchObject({ enrolled: false, deadline: iso(daysAfter(evaluatedAt, 5)) });
      expect(byId.sam.deadline).toBeNull(); // not evaluated yet: their days have not begun
      expect(byId.ada).toMatchObject({ enrolled: true, deadline: null });
      // A member who enrolls during the grace period has no deadline any more.
      await h.enroll('max');
      const after = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
      expect(after.body.members.find((m: { userId: string }) => m.userId === 'max')).toMatchObject({
        enrolled: true,
        deadline: null,
      });
    });

    it('has no deadline for a member the policy does not require', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_admins' });
      expect((await access(h, 'max')).body.reason).toBe('not_required');
      const res = await h.json('GET', '/mfa/accounts/acme/members', { as: 'ada' });
      expect(res.body.members.find((m: { userId: string }) => m.userId === 'max').deadline).toBeNull();
    });
  });

  describe('DELETE /accounts/:accountId/members/:userId/mfa', () => {
    it("resets a member's MFA: factor, codes and verified sessions go, and it is audited", async () => {
      const h = harness();
      await h.enroll('ada'); // a reset needs an administrator with MFA
      const { secret } = await h.enroll('max');
      await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s2',
        body: { code: await h.code(secret) },
      });
      expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.session.verified).toBe(true);
      const res = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
      expect(res.status).toBe(200);
      expect(await h.store.getTotpFactor('max')).toBeNull();
      expect(await h.store.countRecoveryCodes('max')).toBe(0);
      for (const session of ['max-s1', 'max-s2']) {
        const me = await h.json('GET', '/mfa/me', { as: 'max', session });
        expect(me.body).toMatchObject({ enrolled: false, factors: [], session: { verified: false } });
      }
      const audit = await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' });
      expect(audit.body.events[0]).toMatchObject({
        type: 'mfa.reset',
        actorId: 'ada',
        userId: 'max',
        accountId: 'acme',
      });
      expect(h.events.at(-1)?.type).toBe('mfa.reset');
    });

    it('refuses a member of another account too with 409 shared_member', async () => {
      const h = harness();
      await h.enroll('ada');
      await h.enroll('cleo');
      await h.enroll('sam');
      expectError(
        await h.json('DELETE', '/mfa/accounts/acme/members/sam/mfa', { as: 'ada' }),
        'shared_member',
      );
      expectError(
        await h.json('DELETE', '/mfa/accounts/contoso/members/sam/mfa', { as: 'cleo' }),
        'shared_member',
      );
      expect(await h.store.getTotpFactor('sam')).not.toBeNull();
      expect(h.events.some((e) => e.type === 'mfa.reset')).toBe(false);
    });

    it('answers 404 for a user who is not a member of the account', async () => {
      const h = harness();
      await h.enroll('ada');
      await h.enroll('cleo');
      expectError(await h.json('DELETE', '/mfa/accounts/acme/members/cleo/mfa', { as: 'ada' }), 'not_member');
      expectError(
        await h.json('DELETE', '/mfa/accounts/acme/members/nobody/mfa', { as: 'ada' }),
        'not_member',
      );
      expect(await h.store.getTotpFactor('cleo')).not.toBeNull();
    });

    it('answers 409 not_enrolled for a member without MFA', async () => {
      const h = harness();
      await h.enroll('ada');
      h.events.length = 0;
      expectError(
        await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' }),
        'not_enrolled',
      );
      expect(h.events).toEqual([]);
    });

    it('needs a recent verification from an administrator who has MFA', async () => {
      const h = harness();
      const { secret } = await h.enroll('ada');
      await h.enroll('max');
      h.advance(STEP_UP_MAX_AGE + 1);
      expectError(
        await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' }),
        'step_up_required',
      );
      expect(await h.store.getTotpFactor('max')).not.toBeNull();
      await h.json('POST', '/mfa/challenge', { as: 'ada', body: { code: await h.code(secret) } });
      expect((await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' })).status).toBe(200);
    });

    it('gives a reset member no new grace period under a requiring policy', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all', gracePeriodDays: 7 });
      await h.enroll('max');
      expect((await access(h, 'max')).body.reason).toBe('verified');
      const reset = await h.json('DELETE', '/mfa/accounts/acme/members/max/mfa', { as: 'ada' });
      expect(reset.status).toBe(200);
      const after = await access(h, 'max');
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ allow: false, reason: 'enrollment_required' });
      expectError(await h.json('GET', '/accounts/acme/area', { as: 'max' }), 'enrollment_required');
      // The enrollment endpoints stay reachable, and enrolling again restores access.
      await h.enroll('max');
      expect((await access(h, 'max')).body).toEqual({ allow: true, reason: 'verified' });
    });
  });

  describe('GET /accounts/:accountId/audit', () => {
    it('lists the events newest first', async () => {
      const h = harness();
      await h.enroll('ada');
      h.advance(60);
      await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });
      h.advance(60);
      await h.enroll('max');
      h.advance(60);
      await h.json('PUT', '/mfa/accounts/acme/policy', {
        as: 'ada',
        body: { mode: 'optional', gracePeriodDays: 2 },
      });
      const res = await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' });
      expect(res.status).toBe(200);
      expect(res.body.events.map((e: { type: string }) => e.type)).toEqual([
        'policy.updated',
        'mfa.enrolled',
        'policy.updated',
        'mfa.enrolled',
      ]);
      const times = res.body.events.map((e: { at: string }) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(res.body.events[0]).toEqual({
        id: expect.any(String),
        type: 'policy.updated',
        actorId: 'ada',
        actorName: 'Ada Admin',
        userId: null,
        userName: null,
        accountId: 'acme',
        before: expect.objectContaining({ gracePeriodDays: 7 }),
        after: expect.objectContaining({ gracePeriodDays: 2 }),
        at: iso(h.clock.now),
      });
      expect(res.body.events[1]).toMatchObject({
        type: 'mfa.enrolled',
        actorId: 'max',
        userId: 'max',
        userName: 'Max Member',
      });
      expect(res.body.nextCursor).toBeNull();
    });

    it('pages with cursor and limit through every event exactly once', async () => {
      const h = harness();
      await h.enroll('ada');
      const before = (await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' })).body.events.length;
      for (let i = 0; i < 7; i++) {
        await h.json('PUT', '/mfa/accounts/acme/policy', {
          as: 'ada',
          body: { mode: 'optional', gracePeriodDays: i },
        });
        h.advance(1);
      }
      const all = (await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' })).body.events;
      expect(all).toHaveLength(7 + before);
      const paged: { id: string }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = cursor === null ? '?limit=3' : `?limit=3&cursor=${cursor}`;
        const page = await h.json('GET', `/mfa/accounts/acme/audit${query}`, { as: 'ada' });
        expect(page.status).toBe(200);
        expect(page.body.events.length).toBeLessThanOrEqual(3);
        paged.push(...page.body.events);
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(paged).toEqual(all);
      const limited = await h.json('GET', '/mfa/accounts/acme/audit?limit=1', { as: 'ada' });
      expect(limited.body.events).toEqual([all[0]]);
      expect(limited.body.nextCursor).toEqual(expect.any(String));
    });

    it("has the account's own and its members' events, never another account's", async () => {
      const h = harness();
      for (const admin of ['ada', 'cleo', 'olga']) await h.enroll(admin);
      await h.json('PUT', '/mfa/accounts/acme/policy', { as: 'ada', body: { mode: 'optional' } });
      await h.json('PUT', '/mfa/accounts/contoso/policy', { as: 'cleo', body: { mode: 'optional' } });
      await h.json('PUT', '/mfa/accounts/solo/policy', { as: 'olga', body: { mode: 'optional' } });
      await h.enroll('max');
      await h.enroll('sam');
      const acme = (await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' })).body.events;
      const summary = (events: { type: string; userId: string | null; accountId: string | null }[]) =>
        events.map((e) => `${e.type}:${e.accountId ?? e.userId}`).sort();
      expect(summary(acme)).toEqual([
        'mfa.enrolled:ada',
        'mfa.enrolled:max',
        'mfa.enrolled:sam',
        'policy.updated:acme',
      ]);
      const contoso = (await h.json('GET', '/mfa/accounts/contoso/audit', { as: 'cleo' })).body.events;
      expect(summary(contoso)).toEqual(['mfa.enrolled:cleo', 'mfa.enrolled:sam', 'policy.updated:contoso']);
    });

    it("does not show a new member's events from their other accounts", async () => {
      const h = harness();
      await h.enroll('cleo');
      h.dir.users.dan = { email: 'dan@contoso.test', displayName: 'Dan' };
      h.dir.memberships.contoso!.dan = 'member';
      await h.enroll('dan');
      expect((await h.json('DELETE', '/mfa/accounts/contoso/members/dan/mfa', { as: 'cleo' })).status).toBe(
        200,
      );
      h.dir.memberships.acme!.dan = 'member'; // dan joins acme later
      const acme = (await h.json('GET', '/mfa/accounts/acme/audit', { as: 'ada' })).body.events;
      expect(acme.map((e: { type: string }) => e.type)).toEqual(['mfa.enrolled']);
      expect(
        acme.every((e: { accountId: string | null }) => e.accountId === null || e.accountId === 'acme'),
      ).toBe(true);
    });
  });

  describe('GET /accounts/:accountId/access', () => {
    it('not_required: nothing requires MFA of the caller', async () => {
      const h = harness();
      const res = await access(h, 'max');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ allow: true, reason: 'not_required' });
    });

    it('grace_period with its deadline, then enrollment_required when it has passed', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all', gracePeriodDays: 7 });
      const start = new Date(h.clock.now);
      const deadline = iso(daysAfter(start, 7));
      expect((await access(h, 'max')).body).toEqual({
        allow: true,
        reason: 'grace_period',
        deadline,
        accepts: ['totp', 'webauthn'],
      });
      expect((await h.store.getGraceStarts('acme', ['max'])).get('max')).toEqual({
        startedAt: start,
        forfeitedAt: null,
      });
      h.advance(3 * DAY);
      expect((await access(h, 'max')).body).toEqual({
        allow: true,
        reason: 'grace_period',
        deadline,
        accepts: ['totp', 'webauthn'],
      });
      h.advance(4 * DAY);
      const after = await access(h, 'max');
      expect(after.status).toBe(200);
      expect(after.body).toMatchObject({ allow: false, reason: 'enrollment_required' });
    });

    it('verified right after enrolling; challenge_required in another session and after 12 hours', async () => {
      const h = harness();
      await h.enroll('ada');
      expect((await access(h, 'ada')).body).toEqual({ allow: true, reason: 'verified' });
      expect((await access(h, 'ada', 'acme', { session: 'ada-s2' })).body).toEqual({
        allow: false,
        reason: 'challenge_required',
        accepts: ['totp', 'webauthn'],
      });
      h.advance(12 * 3600);
      expect((await access(h, 'ada')).body.reason).toBe('challenge_required');
    });

    it('sso_delegated for an SSO sign-in through this account, never for one naming another or none', async () => {
      const h = harness();
      await h.enroll('cleo');
      h.advance(13 * 3600);
      expect((await access(h, 'cleo', 'contoso', { sso: true, ssoAccountId: 'contoso' })).body).toEqual({
        allow: true,
        reason: 'sso_delegated',
      });
      expect((await access(h, 'cleo', 'contoso', { sso: true, ssoAccountId: 'elsewhere' })).body.reason).toBe(
        'challenge_required',
      );
      // An SSO sign-in that names no account is delegated nowhere (fail closed).
      expect((await access(h, 'cleo', 'contoso', { sso: true })).body.reason).toBe('challenge_required');
      expect((await access(h, 'cleo', 'contoso')).body.reason).toBe('challenge_required');
      // acme has no SSO: an SSO sign-in changes nothing there.
      expect((await access(h, 'sam', 'acme', { sso: true, ssoAccountId: 'acme' })).body.reason).toBe(
        'not_required',
      );
    });

    it("does not delegate one account's SSO sign-in to another SSO account of the same user", async () => {
      // sam signs in through Contoso's directory; Fabrikam (Okta) must not take that for its own.
      const h = harness();
      h.dir.memberships.fabrikam = { sam: 'member', cleo: 'admin' };
      h.dir.accountNames.fabrikam = 'Fabrikam';
      h.dir.sso.fabrikam = 'Okta';
      await setPolicy(h, 'fabrikam', 'cleo', { mode: 'required_all', gracePeriodDays: 0 });
      for (const sso of [{ sso: true, ssoAccountId: 'contoso' }, { sso: true }]) {
        expect((await access(h, 'sam', 'fabrikam', sso)).body.reason).toBe('enrollment_required');
        expectError(
          await h.json('GET', '/accounts/fabrikam/area', { as: 'sam', ...sso }),
          'enrollment_required',
        );
      }
      expect((await access(h, 'sam', 'contoso', { sso: true, ssoAccountId: 'contoso' })).body.reason).toBe(
        'sso_delegated',
      );
      expect((await access(h, 'sam', 'fabrikam', { sso: true, ssoAccountId: 'fabrikam' })).body.reason).toBe(
        'sso_delegated',
      );
    });

    it('with enforceAfterSso an SSO sign-in is not delegated', async () => {
      const h = harness();
      await h.enroll('cleo');
      const put = await h.json('PUT', '/mfa/accounts/contoso/policy', {
        as: 'cleo',
        body: { mode: 'optional', enforceAfterSso: true },
      });
      expect(put.body.enforceAfterSso).toBe(true);
      expect((await access(h, 'sam', 'contoso', { sso: true, ssoAccountId: 'contoso' })).body).toEqual({
        allow: true,
        reason: 'not_required',
      });
      await setPolicy(h, 'contoso', 'cleo', { mode: 'required_all', enforceAfterSso: true, version: 1 });
      expect(
        (await access(h, 'cleo', 'contoso', { sso: true, ssoAccountId: 'contoso', session: 'cleo-sso' })).body
          .reason,
      ).toBe('challenge_required');
      expect((await access(h, 'sam', 'contoso', { sso: true, ssoAccountId: 'contoso' })).body.reason).toBe(
        'grace_period',
      );
    });
  });

  describe('GET /me', () => {
    it('describes a user without MFA', async () => {
      const h = harness();
      const res = await h.json('GET', '/mfa/me', { as: 'max' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        userId: 'max',
        enrolled: false,
        factors: [],
        recoveryCodesRemaining: 0,
        recoveryCodesOutdated: false,
        requiredBy: [],
        rememberDeviceDays: 0,
        session: { verified: false, verifiedAt: null, method: null },
        lockedUntil: null,
      });
    });

    it('says until when wrong codes paused the challenge, and nothing once the wait is over', async () => {
      const h = harness();
      await h.enroll('max');
      let status = 0;
      let wait = 0;
      for (let i = 0; i < 20 && status !== 429; i++) {
        const res = await h.json('POST', '/mfa/challenge', {
          as: 'max',
          session: 'max-s2',
          body: { code: '000000' },
        });
        status = res.status;
        wait = res.body.error.retryAfterSeconds ?? 0;
      }
      expect(status).toBe(429);
      const me = await h.json('GET', '/mfa/me', { as: 'max', session: 'max-s2' });
      expect(me.body.lockedUntil).toBe(iso(new Date(h.clock.now.getTime() + wait * 1000)));
      h.advance(wait);
      expect((await h.json('GET', '/mfa/me', { as: 'max', session: 'max-s2' })).body.lockedUntil).toBeNull();
    });

    it('describes an enrolled user, their codes and their session', async () => {
      const h = harness();
      const enrolledAt = new Date(h.clock.now);
      const { recoveryCodes } = await h.enroll('max');
      const me = await h.json('GET', '/mfa/me', { as: 'max' });
      expect(me.body).toEqual({
        userId: 'max',
        enrolled: true,
        factors: [{ type: 'totp', createdAt: iso(enrolledAt) }],
        recoveryCodesRemaining: 10,
        recoveryCodesOutdated: false,
        requiredBy: [],
        rememberDeviceDays: 0,
        // Verified with the app once after confirming it (the harness's enroll does).
        session: { verified: true, verifiedAt: iso(new Date(enrolledAt.getTime() + 30_000)), method: 'totp' },
        lockedUntil: null,
      });
      await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s2',
        body: { recoveryCode: recoveryCodes[0] },
      });
      expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.recoveryCodesRemaining).toBe(9);
      expect((await h.json('GET', '/mfa/me', { as: 'max', session: 'max-s3' })).body.session).toEqual({
        verified: false,
        verifiedAt: null,
        method: null,
      });
    });

    it('names the accounts that require MFA of the user, with their deadline', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all', gracePeriodDays: 10 });
      await setPolicy(h, 'contoso', 'cleo', { mode: 'required_admins' });
      const evaluatedAt = new Date(h.clock.now);
      await access(h, 'sam', 'acme');
      const sam = await h.json('GET', '/mfa/me', { as: 'sam' });
      expect(sam.body.requiredBy).toEqual([
        {
          accountId: 'acme',
          accountName: 'Acme',
          deadline: iso(daysAfter(evaluatedAt, 10)),
          resetAt: null,
          accepts: ['totp', 'webauthn'],
          enforceFrom: null,
        },
      ]);
      const cleo = await h.json('GET', '/mfa/me', { as: 'cleo' });
      expect(cleo.body.requiredBy).toEqual([
        {
          accountId: 'contoso',
          accountName: 'Contoso',
          deadline: null,
          resetAt: null,
          accepts: ['totp', 'webauthn'],
          enforceFrom: null,
        },
      ]);
      expect((await h.json('GET', '/mfa/me', { as: 'olga' })).body.requiredBy).toEqual([]);
    });
  });

  describe('POST /me/totp/setup', () => {
    it('answers a pending secret, its URI, its QR code and when it expires', async () => {
      const h = harness();
      const res = await h.json('POST', '/mfa/me/totp/setup', { as: 'ada' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'otpauthUri', 'qrSvg', 'secret']);
      const { otpauthUri, qrSvg, secret, expiresAt } = res.body;
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      const uri = new URL(otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(uri.searchParams.get('secret')).toBe(secret);
      expect(uri.searchParams.get('issuer')).toBe('Acme Portal');
      expect(decodeURIComponent(uri.pathname)).toContain('ada@acme.test');
      expect(qrSvg.trimStart()).toMatch(/^(<svg|<\?xml)/);
      expect(qrSvg).toContain('</svg>');
      expect(expiresAt).toBe(iso(new Date(T0.getTime() + 10 * 60_000)));
      expect(await h.store.getPendingTotp('ada')).toMatchObject({
        userId: 'ada',
        expiresAt: new Date(expiresAt),
      });
      expect(await h.store.getTotpFactor('ada')).toBeNull();
      expect((await h.json('GET', '/mfa/me', { as: 'ada' })).body.enrolled).toBe(false);
      // Also with an empty JSON body, and each setup is a new secret.
      const again = await h.json('POST', '/mfa/me/totp/setup', { as: 'ada', body: {} });
      expect(again.status).toBe(200);
      expect(again.body.secret).not.toBe(secret);
    });

    it('needs a recent verification when it would replace an active factor', async () => {
      const h = harness();
      const old = await h.enroll('ada');
      const fresh = await h.json('POST', '/mfa/me/totp/setup', { as: 'ada' });
      expect(fresh.status).toBe(200);
      h.advance(STEP_UP_MAX_AGE + 1);
      expectError(await h.json('POST', '/mfa/me/totp/setup', { as: 'ada' }), 'step_up_required');
      expectError(
        await h.json('POST', '/mfa/me/totp/setup', { as: 'ada', session: 'ada-s2' }),
        'step_up_required',
      );
      // Verify, set up again and confirm: the new secret replaces the old one.
      await h.json('POST', '/mfa/challenge', { as: 'ada', body: { code: await h.code(old.secret) } });
      const replaced = await h.enroll('ada');
      h.advance(60);
      const stale = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        session: 'ada-s3',
        body: { code: await h.code(old.secret) },
      });
      expectError(stale, 'invalid_code');
      const current = await h.json('POST', '/mfa/challenge', {
        as: 'ada',
        session: 'ada-s3',
        body: { code: await h.code(replaced.secret) },
      });
      expect(current.status).toBe(200);
    });
  });

  describe('POST /me/totp/confirm', () => {
    it('refuses a wrong code with 400 invalid_code and attemptsLeft, and stays pending', async () => {
      const h = harness();
      const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
      const bad = await wrongCode(h, setup.body.secret);
      const first = expectError(
        await h.json('POST', '/mfa/me/totp/confirm', { as: 'max', body: { code: bad } }),
        'invalid_code',
      );
      expect(first.attemptsLeft).toBe(4);
      const second = expectError(
        await h.json('POST', '/mfa/me/totp/confirm', { as: 'max', body: { code: bad } }),
        'invalid_code',
      );
      expect(second.attemptsLeft).toBe(3);
      expect(await h.store.getTotpFactor('max')).toBeNull();
      expect(await h.store.getPendingTotp('max')).not.toBeNull();
      // The right code still works after failures below the threshold.
      const ok = await h.json('POST', '/mfa/me/totp/confirm', {
        as: 'max',
        body: { code: await h.code(setup.body.secret) },
      });
      expect(ok.status).toBe(200);
    });

    it('answers 409 not_enrolled without a pending setup', async () => {
      const h = harness();
      expectError(
        await h.json('POST', '/mfa/me/totp/confirm', { as: 'max', body: { code: '123456' } }),
        'not_enrolled',
      );
      expect(await h.store.getAttempts('max')).toMatchObject({ failures: 0 });
    });

    it('answers 409 not_enrolled once the pending setup is older than 10 minutes', async () => {
      const h = harness();
      const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
      h.advance(10 * 60 + 1);
      const late = await h.json('POST', '/mfa/me/totp/confirm', {
        as: 'max',
        body: { code: await h.code(setup.body.secret) },
      });
      expectError(late, 'not_enrolled');
      expect(await h.store.getTotpFactor('max')).toBeNull();
    });

    it('activates the factor, answers ten recovery codes once and verifies the session', async () => {
      const h = harness();
      const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'max' });
      h.advance(20);
      const res = await h.json('POST', '/mfa/me/totp/confirm', {
        as: 'max',
        body: { code: await h.code(setup.body.secret) },
      });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['recoveryCodes']);
      expect(res.body.recoveryCodes).toHaveLength(10);
      for (const code of res.body.recoveryCodes) expect(code).toMatch(RECOVERY_CODE);
      expect(new Set(res.body.recoveryCodes).size).toBe(10);
      expect(await h.store.getTotpFactor('max')).toMatchObject({ userId: 'max', createdAt: h.clock.now });
      expect(await h.store.getPendingTotp('max')).toBeNull();
      expect(await h.store.countRecoveryCodes('max')).toBe(10);
      expect(await h.store.getSession('max', 'max-s1')).toMatchObject({
        userId: 'max',
        verifiedAt: h.clock.now,
      });
      expect((await h.json('GET', '/mfa/me', { as: 'max' })).body.session.verified).toBe(true);
      expect(h.events.map((e) => e.type)).toEqual(['mfa.enrolled']);
      // The pending secret is used up (asked after a step-up: the new app's code was none).
      h.advance(30);
      await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: await h.code(setup.body.secret) } });
      h.advance(30);
      const again = await h.json('POST', '/mfa/me/totp/confirm', {
        as: 'max',
        body: { code: await h.code(setup.body.secret) },
      });
      expectError(again, 'not_enrolled');
    });
  });

  describe('DELETE /me/totp', () => {
    it('refuses with 409 mfa_required_by_policy naming the account while it requires MFA', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_admins' });
      const refused = expectError(
        await h.json('DELETE', '/mfa/me/totp', { as: 'ada' }),
        'mfa_required_by_policy',
      );
      expect(refused.accounts).toEqual([{ accountId: 'acme', accountName: 'Acme' }]);
      expect(await h.store.getTotpFactor('ada')).not.toBeNull();
    });

    it('names every account that requires it', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all' });
      await setPolicy(h, 'contoso', 'cleo', { mode: 'required_all' });
      await h.enroll('sam');
      const refused = expectError(
        await h.json('DELETE', '/mfa/me/totp', { as: 'sam' }),
        'mfa_required_by_policy',
      );
      expect(refused.accounts).toEqual(
        expect.arrayContaining([
          { accountId: 'acme', accountName: 'Acme' },
          { accountId: 'contoso', accountName: 'Contoso' },
        ]),
      );
      expect(refused.accounts).toHaveLength(2);
    });

    it('removes the factor when no account requires it', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_admins' });
      await h.enroll('max'); // a member: required_admins does not apply
      const res = await h.json('DELETE', '/mfa/me/totp', { as: 'max' });
      expect(res.status).toBe(200);
      expect(await h.store.getTotpFactor('max')).toBeNull();
      expect(await h.store.countRecoveryCodes('max')).toBe(0);
      expect((await h.json('GET', '/mfa/me', { as: 'max' })).body).toMatchObject({
        enrolled: false,
        factors: [],
      });
      expect(h.events.at(-1)).toMatchObject({ type: 'mfa.removed', actorId: 'max', userId: 'max' });
    });

    it('answers 409 not_enrolled without MFA', async () => {
      const h = harness();
      expectError(await h.json('DELETE', '/mfa/me/totp', { as: 'max' }), 'not_enrolled');
    });

    it('needs a recent verification', async () => {
      const h = harness();
      await h.enroll('max');
      h.advance(STEP_UP_MAX_AGE + 1);
      expectError(await h.json('DELETE', '/mfa/me/totp', { as: 'max' }), 'step_up_required');
      expect(await h.store.getTotpFactor('max')).not.toBeNull();
    });
  });

  describe('POST /me/recovery-codes', () => {
    it('replaces the codes: the new ones work, the old ones stop working', async () => {
      const h = harness();
      const { recoveryCodes: old } = await h.enroll('max');
      const res = await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' });
      expect(res.status).toBe(200);
      const fresh: string[] = res.body.recoveryCodes;
      expect(fresh).toHaveLength(10);
      for (const code of fresh) expect(code).toMatch(RECOVERY_CODE);
      expect(fresh.filter((c) => old.includes(c))).toEqual([]);
      expect(await h.store.countRecoveryCodes('max')).toBe(10);
      expectError(
        await h.json('POST', '/mfa/challenge', {
          as: 'max',
          session: 'max-s2',
          body: { recoveryCode: old[0] },
        }),
        'invalid_code',
      );
      const ok = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s2',
        body: { recoveryCode: fresh[0] },
      });
      expect(ok.status).toBe(200);
      expect(ok.body.recoveryCodesRemaining).toBe(9);
      expect(h.events.map((e) => e.type)).toContain('recovery_codes.regenerated');
    });

    it('answers 409 not_enrolled without MFA and needs a recent verification with it', async () => {
      const h = harness();
      expectError(await h.json('POST', '/mfa/me/recovery-codes', { as: 'max', body: {} }), 'not_enrolled');
      await h.enroll('max');
      h.advance(STEP_UP_MAX_AGE + 1);
      expectError(await h.json('POST', '/mfa/me/recovery-codes', { as: 'max' }), 'step_up_required');
    });
  });

  describe('POST /challenge', () => {
    it('verifies the session with a code', async () => {
      const h = harness();
      const { secret } = await h.enroll('max');
      const res = await h.json('POST', '/mfa/challenge', {
        as: 'max',
        session: 'max-s2',
        body: { code: await h.code(secret) },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        verified: true,
        verifiedAt: iso(h.clock.now),
        method: 'totp',
        recoveryCodesRemaining: 10,
        rememberedUntil: null,
      });
      expect(await h.store.getSession('max', 'max-s2')).toMatchObject({
        userId: 'max',
        verifiedAt: h.clock.now,
      });
      expect((await access(h, 'max', 'acme', { session: 'max-s2' })).body.reason).toBe('verified');
    });

    it('refuses a wrong code with invalid_code and attemptsLeft', async () => {
      const h = harness();
      const { secret } = await h.enroll('max');
      const error = expectError(
        await h.json('POST', '/mfa/challenge', {
          as: 'max',
          session: 'max-s2',
          body: { code: await wrongCode(h, secret) },
        }),
        'invalid_code',
      );
      expect(error.attemptsLeft).toBe(4);
      expect(await h.store.getSession('max', 'max-s2')).toBeNull();
    });

    it('accepts each recovery code exactly once', async () => {
      const h = harness();
      const { recoveryCodes } = await h.enroll('max');
      for (const [i, recoveryCode] of recoveryCodes.entries()) {
        // Typed in upper case and without the dash, as people do.
        const typed = i % 2 ? recoveryCode.toUpperCase().replace('-', '') : recoveryCode;
        const ok = await h.json('POST', '/mfa/challenge', {
          as: 'max',
          session: `max-r${i}`,
          body: { recoveryCode: typed },
        });
        expect(ok.status).toBe(200);
        expect(ok.body.recoveryCodesRemaining).toBe(9 - i);
        const again = await h.json('POST', '/mfa/challenge', {
          as: 'max',
          session: `max-again${i}`,
          body: { recoveryCode },
        });
        // One failure at a time: the next success clears it, so the lock never starts.
        expectError(again, 'invalid_code');
      }
      expect(await h.store.countRecoveryCodes('max')).toBe(0);
      expect(h.events.filter((e) => e.type === 'recovery_code.used')).toHaveLength(10);
    });

    it('answers 409 not_enrolled for a user without MFA, for a code and for a recovery code', async () => {
      const h = harness();
      expectError(
        await h.json('POST', '/mfa/challenge', { as: 'max', body: { code: '123456' } }),
        'not_enrolled',
      );
      expectError(
        await h.json('POST', '/mfa/challenge', { as: 'max', body: { recoveryCode: 'abcde-fghij' } }),
        'not_enrolled',
      );
    });
  });

  describe('GET /openapi.json', () => {
    it('is an OpenAPI 3.1 document, served to anyone', async () => {
      const h = harness();
      const res = await h.json('GET', '/mfa/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\.1\.\d+$/);
      expect(res.body.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
      expect(res.body.components.schemas.Error.properties.error.properties.code.enum.sort()).toEqual(
        Object.keys(errorCodes).sort(),
      );
    });

    it('lists every route of the route table with its 4xx answers', async () => {
      const h = harness();
      const doc = (await h.json('GET', '/mfa/openapi.json')).body;
      for (const route of routes) {
        const path = route.path.replace(/:(\w+)/g, '{$1}');
        const operation = doc.paths[path]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${route.path}`).toBeDefined();
        const statuses = Object.keys(operation.responses);
        expect(statuses).toContain(String(route.status ?? 200));
        const expected = new Set<string>(route.errors.map((code) => String(errorCodes[code].status)));
        if (route.access !== 'public') expected.add('401').add('400');
        if (route.access === 'member' || route.access === 'admin') expected.add('404');
        if (route.access === 'admin') expected.add('403');
        if (route.method !== 'GET') expected.add('403').add('413').add('415');
        for (const status of expected) {
          expect(statuses, `${route.method} ${route.path} documents ${status}`).toContain(status);
          expect(operation.responses[status].content['application/json'].schema).toEqual({
            $ref: '#/components/schemas/Error',
          });
        }
        const params = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
        expect(
          operation.parameters
            .filter((p: { in: string }) => p.in === 'path')
            .map((p: { name: string }) => p.name),
        ).toEqual(params);
        if (route.body) expect(operation.requestBody.content['application/json'].schema).toBeDefined();
      }
      const operations = Object.values(doc.paths).flatMap((item) => Object.keys(item as object));
      expect(operations).toHaveLength(routes.length + 1); // and /openapi.json itself
    });
  });

  describe('the guard (/accounts/:accountId/area)', () => {
    it('answers 401 to an anonymous request', async () => {
      const h = harness();
      expectError(await h.json('GET', '/accounts/acme/area'), 'unauthenticated');
    });

    it('answers 404 to a non-member and for an unknown account', async () => {
      const h = harness();
      expectError(await h.json('GET', '/accounts/acme/area', { as: 'olga' }), 'not_member');
      expectError(await h.json('GET', '/accounts/nowhere/area', { as: 'ada' }), 'not_member');
    });

    it('answers 403 challenge_required to an enrolled user whose session is not verified', async () => {
      const h = harness();
      await h.enroll('max');
      expectError(
        await h.json('GET', '/accounts/acme/area', { as: 'max', session: 'max-s2' }),
        'challenge_required',
      );
    });

    it('answers 403 enrollment_required with the deadline that passed', async () => {
      const h = harness();
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all', gracePeriodDays: 0 });
      const error = expectError(
        await h.json('GET', '/accounts/acme/area', { as: 'max' }),
        'enrollment_required',
      );
      expect(error.deadline).toBe(iso(h.clock.now));
    });

    it('lets an allowed request through with its decision', async () => {
      const h = harness();
      const plain = await h.json('GET', '/accounts/acme/area', { as: 'max' });
      expect(plain.status).toBe(200);
      expect(plain.body).toEqual({ ok: true, decision: { allow: true, reason: 'not_required' } });
      await setPolicy(h, 'acme', 'ada', { mode: 'required_all' });
      const grace = await h.json('GET', '/accounts/acme/area', { as: 'max' });
      expect(grace.body.decision).toEqual({
        allow: true,
        reason: 'grace_period',
        deadline: iso(daysAfter(h.clock.now, 7)),
        accepts: ['totp', 'webauthn'],
      });
      const verified = await h.json('GET', '/accounts/acme/area', { as: 'ada' });
      expect(verified.body.decision).toEqual({ allow: true, reason: 'verified' });
      const sso = await h.json('GET', '/accounts/contoso/area', {
        as: 'cleo',
        sso: true,
        ssoAccountId: 'contoso',
      });
      expect(sso.body.decision).toEqual({ allow: true, reason: 'sso_delegated' });
    });
  });
});
