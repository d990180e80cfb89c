/**
 * Failing open. An attacker who can slow down or break the database (flooding it,
 * exhausting its connections, or just waiting for an outage) hopes that the guard
 * then lets people in, that a check is skipped, or that the API answers with a 500
 * and a stack trace. Every store call of mfakit runs under a time limit
 * (`timeoutMs`), and any failure of it makes the request fail closed: the guard
 * denies with 503 `unavailable`, the API answers 503 `unavailable`, and both do so
 * within the time limit rather than hanging. Each store method a request uses is
 * made to throw, to hang, and to fail after it ran, one at a time; the methods
 * come from a recording of the request succeeding, so a new store call is covered
 * without a new test. (The harness's policyCacheTtl is 0; with a cache, a decision
 * may be served from it for up to policyCacheTtl.)
 */
import { describe, expect, it } from 'vitest';
import { routes } from '../../src/http/routes/index.ts';
import { memoryStore } from '../../src/index.ts';
import {
  createHarness,
  type FaultMode,
  type FaultyStore,
  faultyStore,
  type Harness,
  routeKey,
} from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { addPasskey, ORIGIN, verifyWithPasskey } from '../webauthn/passkeys.ts';

const TIMEOUT_MS = 200;
/** Answered within the time limit, plus room for a loaded machine; well under the 5 s default. */
const BOUND_MS = TIMEOUT_MS + 2500;
const MODES: FaultMode[] = ['throw', 'hang', 'after'];

interface Portal {
  h: Harness;
  faulty: FaultyStore;
  secrets: Record<string, string>;
  /** What `prepare` made for the call (a credential's id, an authenticator's answer). */
  prepared: { credentialId?: string; registration?: unknown };
}

/**
 * acme requires MFA of all. ada (admin) and max have MFA and verified sessions; sam
 * has none and is in his grace period; olga (admin of solo) has a pending setup.
 */
async function portal(): Promise<Portal> {
  const faulty = faultyStore(memoryStore());
  const h = createHarness({ store: faulty.store, timeoutMs: TIMEOUT_MS });
  const secrets: Record<string, string> = {};
  secrets.max = (await h.enroll('max')).secret;
  secrets.ada = (await h.enroll('ada')).secret;
  const policy = await h.json('PUT', '/mfa/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_all' },
  });
  expect(policy.status).toBe(200);
  const setup = await h.json('POST', '/mfa/me/totp/setup', { as: 'olga' });
  secrets.olga = setup.body.secret;
  return { h, faulty, secrets, prepared: {} };
}

/** For each route of the table, a call that succeeds on the portal. */
const SUCCESSFUL: Record<
  string,
  (p: Portal) => Promise<{ method: string; path: string; as: string; body?: unknown }>
> = {
  'GET /accounts/:accountId/policy': async () => ({
    method: 'GET',
    path: '/mfa/accounts/acme/policy',
    as: 'max',
  }),
  'PUT /accounts/:accountId/policy': async () => ({
    method: 'PUT',
    path: '/mfa/accounts/acme/policy',
    as: 'ada',
    body: { mode: 'required_admins' },
  }),
  'GET /accounts/:accountId/members': async () => ({
    method: 'GET',
    path: '/mfa/accounts/acme/members',
    as: 'ada',
  }),
  'DELETE /accounts/:accountId/members/:userId/mfa': async () => ({
    method: 'DELETE',
    path: '/mfa/accounts/acme/members/max/mfa',
    as: 'ada',
  }),
  'GET /accounts/:accountId/audit': async () => ({
    method: 'GET',
    path: '/mfa/accounts/acme/audit',
    as: 'ada',
  }),
  'GET /accounts/:accountId/access': async () => ({
    method: 'GET',
    path: '/mfa/accounts/acme/access',
    as: 'sam',
  }),
  'GET /me': async () => ({ method: 'GET', path: '/mfa/me', as: 'ada' }),
  'GET /accounts/:accountId/members.csv': async () => ({
    method: 'GET',
    path: '/mfa/accounts/acme/members.csv',
    as: 'ada',
  }),
  'GET /accounts/:accountId/audit.csv': async () => ({
    method: 'GET',
    path: '/mfa/accounts/acme/audit.csv',
    as: 'ada',
  }),
  'POST /accounts/:accountId/reminders': async () => ({
    method: 'POST',
    path: '/mfa/accounts/acme/reminders',
    as: 'ada',
    body: {},
  }),
  'GET /me/nudge': async () => ({ method: 'GET', path: '/mfa/me/nudge?accountId=acme', as: 'ada' }),
  'POST /me/nudge/snooze': async () => ({
    method: 'POST',
    path: '/mfa/me/nudge/snooze',
    as: 'ada',
    body: { kind: 'passkey' },
  }),
  'POST /me/totp/setup': async () => ({ method: 'POST', path: '/mfa/me/totp/setup', as: 'ada', body: {} }),
  'POST /me/totp/confirm': async ({ h, secrets }) => ({
    method: 'POST',
    path: '/mfa/me/totp/confirm',
    as: 'olga',
    body: { code: await h.code(secrets.olga as string) },
  }),
  'DELETE /me/totp': async () => ({ method: 'DELETE', path: '/mfa/me/totp', as: 'olga' }),
  'POST /me/recovery-codes': async () => ({
    method: 'POST',
    path: '/mfa/me/recovery-codes',
    as: 'ada',
    body: {},
  }),
  'POST /challenge': async ({ h, secrets }) => ({
    method: 'POST',
    path: '/mfa/challenge',
    as: 'max',
    body: { code: await h.code(secrets.max as string) },
  }),
  'POST /me/webauthn/registration': async () => ({
    method: 'POST',
    path: '/mfa/me/webauthn/registration',
    as: 'ada',
    body: {},
  }),
  'POST /me/webauthn/credentials': async ({ prepared }) => ({
    method: 'POST',
    path: '/mfa/me/webauthn/credentials',
    as: 'ada',
    body: { response: prepared.registration },
  }),
  'PATCH /me/webauthn/credentials/:credentialId': async ({ prepared }) => ({
    method: 'PATCH',
    path: `/mfa/me/webauthn/credentials/${prepared.credentialId}`,
    as: 'ada',
    body: { name: 'Laptop' },
  }),
  'DELETE /me/webauthn/credentials/:credentialId': async ({ prepared }) => ({
    method: 'DELETE',
    path: `/mfa/me/webauthn/credentials/${prepared.credentialId}`,
    as: 'ada',
  }),
  'POST /challenge/webauthn': async () => ({
    method: 'POST',
    path: '/mfa/challenge/webauthn',
    as: 'ada',
    body: {},
  }),
  'GET /me/devices': async () => ({ method: 'GET', path: '/mfa/me/devices', as: 'ada' }),
  'DELETE /me/devices/:deviceId': async () => ({
    method: 'DELETE',
    path: '/mfa/me/devices/ZGV2aWNl',
    as: 'ada',
  }),
  'DELETE /me/devices': async () => ({ method: 'DELETE', path: '/mfa/me/devices', as: 'ada' }),
};

/**
 * What a call needs made first: olga removes MFA she does not have yet (give her a factor),
 * ada's passkey routes need a passkey, or the authenticator's answer to a registration.
 */
async function prepare(p: Portal, key: string) {
  if (key === 'POST /me/webauthn/credentials') {
    const begun = await p.h.json('POST', '/mfa/me/webauthn/registration', { as: 'ada' });
    p.prepared.registration = softwareAuthenticator().register(begun.body.options, { origin: ORIGIN });
  }
  if (key.includes(':credentialId') || key === 'POST /challenge/webauthn') {
    const added = await addPasskey(p.h, { as: 'ada' });
    expect(added.status).toBe(200);
    p.prepared.credentialId = added.credentialId as string;
    // A registration is no step-up: ada verifies with the key before binding anything more.
    expect((await verifyWithPasskey(p.h, { as: 'ada' }, added.key)).status).toBe(200);
  }
  if (key.startsWith('DELETE /me/devices') || key === 'GET /me/devices') {
    await p.h.store.rememberDevice({
      deviceId: 'ZGV2aWNl',
      userId: 'ada',
      tokenHash: 'k.ada',
      method: 'totp',
      label: 'Chrome on macOS',
      createdAt: p.h.clock.now,
      lastUsedAt: null,
      expiresAt: new Date(p.h.clock.now.getTime() + 86_400_000),
    });
  }
  if (key === 'DELETE /me/totp') {
    const confirm = await p.h.json('POST', '/mfa/me/totp/confirm', {
      as: 'olga',
      body: { code: await p.h.code(p.secrets.olga as string) },
    });
    expect(confirm.status).toBe(200);
    p.h.advance(30);
    // Confirming proves the new app, not the person: olga verifies with it before removing it.
    const verified = await p.h.json('POST', '/mfa/challenge', {
      as: 'olga',
      body: { code: await p.h.code(p.secrets.olga as string) },
    });
    expect(verified.status).toBe(200);
    p.h.advance(30);
  }
}

async function send(p: Portal, key: string) {
  const call = await (SUCCESSFUL[key] as (p: Portal) => ReturnType<(typeof SUCCESSFUL)[string]>)(p);
  return p.h.json(call.method, call.path, {
    as: call.as,
    ...(call.body === undefined ? {} : { body: call.body }),
  });
}

/** The store methods a call uses when nothing fails, recorded on a portal of its own. */
async function methodsOf(
  run: (p: Portal) => Promise<{ status: number }>,
  before?: (p: Portal) => Promise<void>,
) {
  const p = await portal();
  await before?.(p);
  p.faulty.record();
  const answer = await run(p);
  expect(answer.status).toBe(200);
  return [...new Set(p.faulty.calls)];
}

describe('the API fails closed, within timeoutMs, when any store call it makes fails', () => {
  it('has a successful call for every route of the table', () => {
    expect(Object.keys(SUCCESSFUL).sort()).toEqual(routes.map(routeKey).sort());
  });

  describe.each(routes.map(routeKey))('%s', (key) => {
    it.each(MODES)('answers 503 unavailable when each of its store methods fails (%s)', async (mode) => {
      if (!SUCCESSFUL[key]) throw new Error(`${key}: add a successful call to SUCCESSFUL`);
      const methods = await methodsOf(
        (p) => send(p, key),
        (p) => prepare(p, key),
      );
      expect(methods.length).toBeGreaterThan(0);
      for (const method of methods) {
        const p = await portal();
        await prepare(p, key);
        p.faulty.arm({ mode, method: method as FaultyStore['calls'][number] as never });
        const started = performance.now();
        const answer = await send(p, key);
        const elapsed = performance.now() - started;
        expect(p.faulty.struck(), `${method} was called`).toBe(true);
        expect({ method, status: answer.status, code: answer.body?.error?.code }).toEqual({
          method,
          status: 503,
          code: 'unavailable',
        });
        expect(elapsed, `${method} answered in ${elapsed} ms`).toBeLessThan(BOUND_MS);
      }
    });
  });
});

describe('the guard fails closed, within timeoutMs, when any store call it makes fails', () => {
  const principals = [
    ['a verified user (ada, who would be let in as verified)', 'ada', 'verified'],
    ['a user in his grace period (sam, let in with a deadline)', 'sam', 'grace_period'],
    ['a user who must verify (max in a new session)', 'max', 'challenge_required'],
  ] as const;

  describe.each(principals)('for %s', (_label, user, reason) => {
    const session = user === 'max' ? 'max-new' : `${user}-s1`;
    const area = (p: Portal) => p.h.json('GET', '/accounts/acme/area', { as: user, session });

    it('decides as expected when nothing fails', async () => {
      const p = await portal();
      const access = await p.h.json('GET', '/mfa/accounts/acme/access', { as: user, session });
      expect(access.body.reason).toBe(reason);
    });

    it.each(MODES)(
      'answers 503 unavailable and never runs the route when a store method fails (%s)',
      async (mode) => {
        const p0 = await portal();
        p0.faulty.record();
        const allowed = await area(p0);
        expect(allowed.status).toBe(reason === 'challenge_required' ? 403 : 200);
        const methods = [...new Set(p0.faulty.calls)];
        expect(methods.length).toBeGreaterThan(0);

        for (const method of methods) {
          const p = await portal();
          p.faulty.arm({ mode, method: method as never });
          const started = performance.now();
          const answer = await area(p);
          const elapsed = performance.now() - started;
          expect({
            method,
            status: answer.status,
            code: answer.body?.error?.code,
            ran: answer.body?.ok,
          }).toEqual({
            method,
            status: 503,
            code: 'unavailable',
            ran: undefined,
          });
          expect(elapsed).toBeLessThan(BOUND_MS);
          // mfa.evaluate, for hosts that are not Hono apps, on a portal of its own (a call that
          // failed after it ran may have written what the next decision reads instead).
          const q = await portal();
          q.faulty.arm({ mode, method: method as never });
          const principal = { userId: user, sessionId: session, authMethod: 'password' as const };
          expect(await q.h.mfa.evaluate({ principal, accountId: 'acme' })).toEqual({
            allow: false,
            reason: 'unavailable',
          });
        }
      },
    );
  });

  it('keeps denying while the store is down, and lets the same user in once it is back', async () => {
    const p = await portal();
    p.faulty.arm({ mode: 'hang' });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => p.h.json('GET', '/accounts/acme/area', { as: 'ada' })),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([503]));
    p.faulty.disarm();
    expect((await p.h.json('GET', '/accounts/acme/area', { as: 'ada' })).status).toBe(200);
  });
});
