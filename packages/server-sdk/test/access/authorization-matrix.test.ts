/**
 * Privilege escalation across the whole API at once. Whoever calls an endpoint is
 * one of eight kinds of principal: nobody, a member or an administrator of another
 * account (a tenant reaching into someone else's), a member (reaching for an
 * administrator's powers), an administrator, an administrator whose last
 * verification is older than the 15-minute step-up (a stolen but stale session),
 * an administrator who never set up MFA though the account requires it of
 * administrators and his grace period is over (a password alone), and an
 * administrator with MFA in a new session he has not verified (a stolen password
 * of an enrolled administrator). The last two are refused by the guard, and every
 * account route but the policy and the caller's own decision refuses them alike.
 * One table says, for every endpoint of the route table and each of the six, the
 * exact answer; every cell is called on its own fresh portal, and a refused call
 * must leave every factor, code, attempt count, session, policy and audit event as
 * it was. The table is keyed by the route table itself, so an endpoint added
 * without its row fails here.
 */
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { type ErrorCode, errorCodes } from '../../src/errors.ts';
import { routes } from '../../src/http/routes/index.ts';
import { STEP_UP_MAX_AGE } from '../../src/policy/binding-step-up.ts';
import { createHarness, type Directory, expectError, type Harness, routeKey, SECRET } from '../support.ts';
import { softwareAuthenticator } from '../webauthn/authenticator.ts';
import { ORIGIN } from '../webauthn/passkeys.ts';

const PRINCIPALS = [
  'anonymous',
  'otherMember',
  'member',
  'otherAdmin',
  'admin',
  'staleAdmin',
  'lateAdmin',
  'unverifiedAdmin',
] as const;
type PrincipalKind = (typeof PRINCIPALS)[number];

/** Who plays each kind (null: no one is signed in). */
const CALLER: Record<PrincipalKind, string | null> = {
  anonymous: null,
  otherMember: 'mona', // member of contoso only
  member: 'max', // member of acme
  otherAdmin: 'cleo', // admin of contoso only
  admin: 'ada', // admin of acme, verified a minute ago
  staleAdmin: 'adam', // admin of acme, verified 16 minutes ago
  lateAdmin: 'lars', // admin of acme without MFA, his grace period over
  unverifiedAdmin: 'una', // admin of acme with MFA, in a session never verified
};

/** acme is the account every call names; tina is the member whose MFA the reset targets. */
function directory(): Directory {
  const user = (name: string) => ({ email: `${name}@example.test`, displayName: name });
  return {
    users: Object.fromEntries(
      ['ada', 'adam', 'lars', 'una', 'max', 'tina', 'cleo', 'mona'].map((n) => [n, user(n)]),
    ),
    memberships: {
      acme: { ada: 'admin', adam: 'admin', lars: 'admin', una: 'admin', max: 'member', tina: 'member' },
      contoso: { cleo: 'admin', mona: 'member' },
    },
    accountNames: { acme: 'Acme', contoso: 'Contoso' },
    sso: {},
  };
}

/** A 160-bit secret waiting in each caller's pending setup, for the confirmation row. */
const PENDING_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

interface Portal {
  h: Harness;
  secrets: Record<string, string>;
}

/**
 * Everyone enrolled but lars; adam verified 16 minutes ago, una in another session than
 * the one she calls from, the others within the last 3 minutes. acme requires MFA of
 * administrators with no grace period, and lars has been told so (his grace period began
 * and ended): the calls below change no grace period.
 */
async function portal(): Promise<Portal> {
  const h = createHarness({}, directory());
  const secrets: Record<string, string> = {};
  secrets.adam = (await h.enroll('adam')).secret;
  h.advance(STEP_UP_MAX_AGE + 60);
  secrets.una = (await h.enroll('una', 'una-enrolling')).secret;
  for (const user of ['mona', 'max', 'cleo', 'tina', 'ada']) secrets[user] = (await h.enroll(user)).secret;
  const policy = await h.json('PUT', '/mfa/accounts/acme/policy', {
    as: 'ada',
    body: { mode: 'required_admins', gracePeriodDays: 0 },
  });
  if (policy.status !== 200) throw new Error(`policy: ${JSON.stringify(policy.body)}`);
  const told = await h.json('GET', '/mfa/accounts/acme/access', { as: 'lars' });
  if (told.body.reason !== 'enrollment_required') throw new Error(`lars: ${JSON.stringify(told.body)}`);
  return { h, secrets };
}

type Expected = 200 | ErrorCode;

/** The id of the credential `plantCredential` gives a caller. */
const PLANTED = 'cGxhbnRlZA';

/** Gives the user a WebAuthn credential in the store, keeping the verification of their session as it is. */
async function plantCredential(h: Harness, user: string): Promise<void> {
  const current = await h.store.getSession(user, `${user}-s1`);
  const now = h.clock.now;
  await h.store.webAuthnUserHandle(user, `handle-${user}`);
  const credential = {
    userId: user,
    credentialId: PLANTED,
    publicKey: 'cGs',
    counter: 0,
    transports: [],
    backedUp: false,
    name: 'Key',
    createdAt: now,
    lastUsedAt: null,
  };
  const session = current ?? {
    userId: user,
    sessionId: `${user}-elsewhere`,
    verifiedAt: now,
    method: 'webauthn' as const,
  };
  await h.store.addWebAuthnCredential(credential, { limit: 10, recoveryCodeHashes: [], session });
}

/** The id of the remembered device `plantDevice` gives a caller. */
const PLANTED_DEVICE = 'ZGV2aWNlLXBsYW50ZWQ';

/** Gives the user a remembered device in the store (no cookie: the call names it by id). */
async function plantDevice(h: Harness, user: string): Promise<void> {
  const now = h.clock.now;
  await h.store.rememberDevice({
    deviceId: PLANTED_DEVICE,
    userId: user,
    tokenHash: `planted.${user}`,
    method: 'totp',
    label: 'Chrome on macOS',
    createdAt: now,
    lastUsedAt: null,
    expiresAt: new Date(now.getTime() + 86_400_000),
  });
}

interface Row {
  method: string;
  /** The path under the host, `:accountId` being acme and `:userId` tina. */
  path: string;
  /** The body the caller sends, prepared on their portal (none when absent). */
  body?: (p: Portal, user: string) => Promise<unknown>;
  expect: Record<PrincipalKind, Expected>;
}

/** One row's cells, in the order of PRINCIPALS. */
const cells = (...answers: Expected[]): Record<PrincipalKind, Expected> =>
  Object.fromEntries(PRINCIPALS.map((kind, i) => [kind, answers[i] as Expected])) as Record<
    PrincipalKind,
    Expected
  >;

const U = 'unauthenticated';
const NM = 'not_member';
const NA = 'not_admin';
const SU = 'step_up_required';
const EN = 'enrollment_required';
const CH = 'challenge_required';
const NE = 'not_enrolled';

/**
 * THE MATRIX. Rows: the route table (and two endpoints outside it); columns:
 * anonymous, member of another account, member, admin of another account,
 * admin, admin without recent verification, admin without MFA past his grace
 * period, admin with MFA in an unverified session.
 */
const MATRIX: Record<string, Row> = {
  'GET /accounts/:accountId/policy': {
    method: 'GET',
    path: '/mfa/accounts/acme/policy',
    expect: cells(U, NM, 200, NM, 200, 200, 200, 200),
  },
  'PUT /accounts/:accountId/policy': {
    method: 'PUT',
    path: '/mfa/accounts/acme/policy',
    body: async () => ({ mode: 'required_all' }),
    expect: cells(U, NM, NA, NM, 200, SU, EN, CH),
  },
  'GET /accounts/:accountId/members': {
    method: 'GET',
    path: '/mfa/accounts/acme/members',
    expect: cells(U, NM, NA, NM, 200, 200, EN, CH),
  },
  'DELETE /accounts/:accountId/members/:userId/mfa': {
    method: 'DELETE',
    path: '/mfa/accounts/acme/members/tina/mfa',
    expect: cells(U, NM, NA, NM, 200, SU, EN, CH),
  },
  'GET /accounts/:accountId/audit': {
    method: 'GET',
    path: '/mfa/accounts/acme/audit',
    expect: cells(U, NM, NA, NM, 200, 200, EN, CH),
  },
  'GET /accounts/:accountId/access': {
    method: 'GET',
    path: '/mfa/accounts/acme/access',
    expect: cells(U, NM, 200, NM, 200, 200, 200, 200),
  },
  'GET /me': { method: 'GET', path: '/mfa/me', expect: cells(U, 200, 200, 200, 200, 200, 200, 200) },
  'POST /me/totp/setup': {
    method: 'POST',
    path: '/mfa/me/totp/setup',
    body: async () => ({}),
    expect: cells(U, 200, 200, 200, 200, SU, 200, SU),
  },
  'POST /me/totp/confirm': {
    method: 'POST',
    path: '/mfa/me/totp/confirm',
    body: async ({ h }, user) => {
      const secret = await new SecretBox([SECRET]).seal(PENDING_SECRET, user);
      const expiresAt = new Date(h.clock.now.getTime() + 60_000);
      await h.store.putPendingTotp({ userId: user, secret, expiresAt });
      return { code: await h.code(PENDING_SECRET) };
    },
    // The setup's step-up is checked again when it is confirmed.
    expect: cells(U, 200, 200, 200, 200, SU, 200, SU),
  },
  'DELETE /me/totp': {
    method: 'DELETE',
    path: '/mfa/me/totp',
    // acme requires MFA of its administrators: they may not remove theirs.
    expect: cells(U, 200, 200, 200, 'mfa_required_by_policy', SU, NE, SU),
  },
  'POST /me/recovery-codes': {
    method: 'POST',
    path: '/mfa/me/recovery-codes',
    body: async () => ({}),
    expect: cells(U, 200, 200, 200, 200, SU, NE, SU),
  },
  'POST /challenge': {
    method: 'POST',
    path: '/mfa/challenge',
    body: async ({ h, secrets }, user) => ({ code: await h.code(secrets[user] ?? PENDING_SECRET) }),
    expect: cells(U, 200, 200, 200, 200, 200, NE, 200),
  },
  // Passkeys: a registration's second step checks its step-up again (called here with a
  // challenge planted for the caller's session); the rows on one credential use one planted in
  // the store.
  'POST /me/webauthn/registration': {
    method: 'POST',
    path: '/mfa/me/webauthn/registration',
    body: async () => ({}),
    expect: cells(U, 200, 200, 200, 200, SU, 200, SU),
  },
  'POST /me/webauthn/credentials': {
    method: 'POST',
    path: '/mfa/me/webauthn/credentials',
    body: async ({ h }, user) => {
      const challenge = `challenge-of-${user}`;
      const expiresAt = new Date(h.clock.now.getTime() + 60_000);
      const sessionId = `${user}-s1`;
      await h.store.putWebAuthnChallenge({
        challenge,
        userId: user,
        sessionId,
        ceremony: 'registration',
        expiresAt,
      });
      const options = {
        challenge,
        rp: { id: 'portal.test', name: 'Portal' },
        user: { id: 'aGFuZGxl', name: user, displayName: user },
        pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
      };
      return { response: softwareAuthenticator().register(options, { origin: ORIGIN }) };
    },
    expect: cells(U, 200, 200, 200, 200, SU, 200, SU),
  },
  'PATCH /me/webauthn/credentials/:credentialId': {
    method: 'PATCH',
    path: `/mfa/me/webauthn/credentials/${PLANTED}`,
    body: async ({ h }, user) => {
      await plantCredential(h, user);
      return { name: 'Laptop' };
    },
    // A verified session (adam's, 16 minutes old, still is): a password alone renames nothing.
    expect: cells(U, 200, 200, 200, 200, 200, SU, SU),
  },
  'DELETE /me/webauthn/credentials/:credentialId': {
    method: 'DELETE',
    path: `/mfa/me/webauthn/credentials/${PLANTED}`,
    body: async ({ h }, user) => {
      await plantCredential(h, user);
      return {};
    },
    // lars's planted credential is MFA, and his session never verified with it. ada, required
    // to have MFA in acme and now holding a passkey, steps up with it, not her app.
    expect: cells(U, 200, 200, 200, SU, SU, SU, SU),
  },
  'POST /challenge/webauthn': {
    method: 'POST',
    path: '/mfa/challenge/webauthn',
    body: async ({ h }, user) => {
      await plantCredential(h, user);
      return {};
    },
    expect: cells(U, 200, 200, 200, 200, 200, 200, 200),
  },
  // Remembered devices: the caller's own, and forgetting lowers trust (no step-up).
  'GET /me/devices': {
    method: 'GET',
    path: '/mfa/me/devices',
    expect: cells(U, 200, 200, 200, 200, 200, 200, 200),
  },
  'DELETE /me/devices/:deviceId': {
    method: 'DELETE',
    path: `/mfa/me/devices/${PLANTED_DEVICE}`,
    body: async ({ h }, user) => {
      await plantDevice(h, user);
      return {};
    },
    expect: cells(U, 200, 200, 200, 200, 200, 200, 200),
  },
  'DELETE /me/devices': {
    method: 'DELETE',
    path: '/mfa/me/devices',
    body: async ({ h }, user) => {
      await plantDevice(h, user);
      return {};
    },
    expect: cells(U, 200, 200, 200, 200, 200, 200, 200),
  },
  // The exports: what the members list and the activity show, as files, under the same rules.
  'GET /accounts/:accountId/members.csv': {
    method: 'GET',
    path: '/mfa/accounts/acme/members.csv',
    expect: cells(U, NM, NA, NM, 200, 200, EN, CH),
  },
  'GET /accounts/:accountId/audit.csv': {
    method: 'GET',
    path: '/mfa/accounts/acme/audit.csv',
    expect: cells(U, NM, NA, NM, 200, 200, EN, CH),
  },
  // The rollout: an administrator's reminders obey the access decision like every account
  // route; the nudge is the caller's own (no account needed, so a non-member asks without one).
  'POST /accounts/:accountId/reminders': {
    method: 'POST',
    path: '/mfa/accounts/acme/reminders',
    body: async () => ({}),
    expect: cells(U, NM, NA, NM, 200, 200, EN, CH),
  },
  'GET /me/nudge': {
    method: 'GET',
    path: '/mfa/me/nudge',
    expect: cells(U, 200, 200, 200, 200, 200, 200, 200),
  },
  'POST /me/nudge/snooze': {
    method: 'POST',
    path: '/mfa/me/nudge/snooze',
    body: async () => ({ kind: 'set_up' }),
    expect: cells(U, 200, 200, 200, 200, 200, 200, 200),
  },
  // Outside the route table: the OpenAPI document, and the host's area behind mfa.guard().
  'GET /openapi.json': {
    method: 'GET',
    path: '/mfa/openapi.json',
    expect: cells(200, 200, 200, 200, 200, 200, 200, 200),
  },
  'GET /accounts/:accountId/area (guard)': {
    method: 'GET',
    path: '/accounts/acme/area',
    expect: cells(U, NM, 200, NM, 200, 200, EN, CH),
  },
};

const OUTSIDE_ROUTE_TABLE = ['GET /openapi.json', 'GET /accounts/:accountId/area (guard)'];

/** Everything a refused call must leave alone. */
async function snapshot({ h }: Portal) {
  const users = Object.keys(h.dir.users);
  const state: Record<string, unknown> = {
    policies: await Promise.all(['acme', 'contoso'].map((a) => h.store.getPolicy(a))),
    grace: [...(await h.store.getGraceStarts('acme', users))],
    events: h.events.length,
  };
  for (const user of users) {
    state[user] = {
      factor: await h.store.getTotpFactor(user),
      pending: await h.store.getPendingTotp(user),
      codes: await h.store.countRecoveryCodes(user),
      attempts: await h.store.getAttempts(user),
      session: await h.store.getSession(user, `${user}-s1`),
      devices: await h.store.listRememberedDevices(user),
    };
  }
  return state;
}

it('has a row for every endpoint of the route table, and no row for an endpoint that does not exist', () => {
  const rows = Object.keys(MATRIX).filter((key) => !OUTSIDE_ROUTE_TABLE.includes(key));
  expect(rows.sort()).toEqual(routes.map(routeKey).sort());
  for (const route of routes) expect(MATRIX[routeKey(route)]?.method).toBe(route.method);
});

it('is (routes + 2) × 8 cells', () => {
  const size = Object.values(MATRIX).reduce((n, row) => n + Object.keys(row.expect).length, 0);
  expect(size).toBe((routes.length + OUTSIDE_ROUTE_TABLE.length) * PRINCIPALS.length);
});

const rowKeys = [...routes.map(routeKey), ...OUTSIDE_ROUTE_TABLE];

describe.each(rowKeys)('%s', (key) => {
  it.each(PRINCIPALS)('as %s', async (kind) => {
    const row = MATRIX[key];
    if (!row) throw new Error(`${key} has no row in the authorization matrix: add one`);
    const p = await portal();
    const user = CALLER[kind];
    const body = row.body ? await row.body(p, user ?? 'nobody') : undefined;
    const before = await snapshot(p);

    const answer = await p.h.json(row.method, row.path, {
      ...(user ? { as: user } : {}),
      ...(body === undefined ? {} : { body }),
    });
    const expected = row.expect[kind];
    if (expected === 200) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    } else {
      expectError(answer, expected);
      expect(answer.status).toBe(errorCodes[expected].status);
      expect(await snapshot(p)).toEqual(before);
    }
  });
});
