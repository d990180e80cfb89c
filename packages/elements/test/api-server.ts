/**
 * The real SDK app that element tests talk to, served by the test runner's own
 * dev server: `/mfa/*` is `mfa.app` on a memory store, `/mfa-broken/*` the same
 * app on a store that always throws (503s), `/mfa-slow/*` the first app
 * answering 5 s late, and `/__test/*` stands in for the host's sign-in, clock and reminder cron
 * (and, with `/__test/devices-down`, for a store that fails one read).
 */

import { createMfa, type MfaStore, memoryStore, type Role } from '@mfakit/server-sdk';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

const users: Record<string, { email: string; displayName: string }> = {
  ada: { email: 'ada@acme.test', displayName: 'Ada Admin' },
  max: { email: 'max@acme.test', displayName: 'Max Member' },
  sam: { email: 'sam@both.test', displayName: 'Sam Shared' },
  cleo: { email: 'cleo@contoso.test', displayName: 'Cleo Contoso' },
};
const memberships: Record<string, Record<string, Role>> = {
  acme: { ada: 'admin', max: 'member', sam: 'member' },
  contoso: { cleo: 'admin', sam: 'member' },
};
const names: Record<string, string> = { acme: 'Acme', contoso: 'Contoso' };
const sso: Record<string, string> = { contoso: 'Active Directory' };

let offsetMs = 0;

const SECRET = 'element-tests-secret-of-32-bytes-or-more';
/** The key `/__test/rotate` puts first, keeping SECRET after it. */
const NEW_SECRET = 'element-tests-newer-secret-of-32-bytes!';

/** While set, the store fails to list remembered devices (everything else works), until `reset`. */
let devicesDown = false;

function withDevicesDown(inner: MfaStore): MfaStore {
  return {
    ...inner,
    async listRememberedDevices(userId) {
      if (devicesDown) throw new Error('remembered devices unreadable');
      return inner.listRememberedDevices(userId);
    },
  };
}

function build(store: MfaStore, secret: string[] = [SECRET]) {
  return createMfa({
    store,
    secret,
    issuer: 'Element Tests',
    policyCacheTtl: 0,
    // Due reminders only when a test sends them (`/__test/send-reminders`), never on a timer.
    reminders: 'manual',
    now: () => new Date(Date.now() + offsetMs),
    authenticate: (c) => {
      const user = getCookie(c, 'test_user');
      const session = getCookie(c, 'test_session');
      if (!user || !session || !users[user]) return null;
      const viaSso = getCookie(c, 'test_sso');
      return {
        userId: user,
        sessionId: session,
        email: users[user].email,
        authMethod: viaSso ? 'sso' : 'password',
        ...(viaSso ? { ssoAccountId: viaSso } : {}),
      };
    },
    getMembership: (userId, accountId) => {
      const role = memberships[accountId]?.[userId];
      return role ? { role, accountName: names[accountId] ?? accountId } : null;
    },
    listMemberships: (userId) =>
      Object.entries(memberships).flatMap(([accountId, m]) =>
        m[userId] ? [{ accountId, accountName: names[accountId] ?? accountId, role: m[userId] }] : [],
      ),
    listMembers: (accountId) =>
      Object.entries(memberships[accountId] ?? {}).map(([userId, role]) => ({
        userId,
        role,
        displayName: users[userId]?.displayName ?? userId,
        email: users[userId]?.email ?? '',
      })),
    getSso: (accountId) => (sso[accountId] ? { provider: sso[accountId] } : null),
  });
}

const broken = new Proxy(memoryStore(), {
  get: () => async () => {
    throw new Error('store down');
  },
});

let store = memoryStore();
let mfa = build(withDevicesDown(store));
const brokenMfa = build(broken);

export const app = new Hono();
app.all('/mfa/*', (c) => mfa.app.fetch(new Request(c.req.url.replace('/mfa/', '/'), c.req.raw)));
app.all('/mfa-broken/*', (c) =>
  brokenMfa.app.fetch(new Request(c.req.url.replace('/mfa-broken/', '/'), c.req.raw)),
);
// The same app, answering after 5 s: the elements' loading state.
app.all('/mfa-slow/*', async (c) => {
  await new Promise((resolve) => setTimeout(resolve, 5000));
  return mfa.app.fetch(new Request(c.req.url.replace('/mfa-slow/', '/'), c.req.raw));
});
/** Members that `/__test/members` added to Acme (gone on reset). */
const added: string[] = [];
app.post('/__test/members', (c) => {
  const count = Number(c.req.query('count') ?? 0);
  for (let i = 0; i < count; i++) {
    const id = `m${String(added.length).padStart(3, '0')}`;
    users[id] = { email: `${id}@acme.test`, displayName: `Member ${id.slice(1)}` };
    (memberships.acme as Record<string, Role>)[id] = 'member';
    added.push(id);
  }
  return c.json({ ok: true });
});
app.post('/__test/reset', (c) => {
  for (const id of added.splice(0)) {
    delete users[id];
    delete memberships.acme?.[id];
  }
  store = memoryStore();
  mfa = build(withDevicesDown(store));
  offsetMs = 0;
  devicesDown = false;
  return c.json({ ok: true });
});
app.post('/__test/login', (c) => {
  const user = c.req.query('user') ?? '';
  const options = { path: '/', sameSite: 'Strict' as const };
  setCookie(c, 'test_user', user, options);
  setCookie(c, 'test_session', crypto.randomUUID(), options);
  setCookie(c, 'test_sso', c.req.query('sso') ?? '', options);
  return c.json({ ok: true });
});
// A key rotation: the same store, a newer key first (what was made under the old one is outdated).
app.post('/__test/rotate', (c) => {
  mfa = build(withDevicesDown(store), [NEW_SECRET, SECRET]);
  return c.json({ ok: true });
});
/** Sets an account's `rememberDeviceDays` (`?account=acme&days=14`) in the store, as if its administrator had. */
app.post('/__test/remember-days', async (c) => {
  const accountId = c.req.query('account') ?? 'acme';
  const current = await store.getPolicy(accountId);
  const version = current?.version ?? 0;
  await store.putPolicy(
    {
      mode: 'optional',
      gracePeriodDays: 7,
      enforceAfterSso: false,
      allowedFactors: 'any',
      updatedAt: null,
      updatedBy: null,
      enforceFrom: null,
      ...current,
      accountId,
      rememberDeviceDays: Number(c.req.query('days') ?? 0),
      version: version + 1,
    },
    version,
  );
  return c.json({ ok: true });
});
/** `?down=1`: the store fails to list remembered devices; `?down=0`: it reads them again. */
app.post('/__test/devices-down', (c) => {
  devicesDown = c.req.query('down') === '1';
  return c.json({ ok: true });
});
/** The due reminders, as a host's cron would send them (`mfa.sendDueReminders()`). */
app.post('/__test/send-reminders', async (c) => c.json(await mfa.sendDueReminders()));
app.post('/__test/advance', (c) => {
  offsetMs += Number(c.req.query('seconds') ?? 0) * 1000;
  return c.json({ now: new Date(Date.now() + offsetMs).toISOString() });
});
