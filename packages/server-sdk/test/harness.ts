/**
 * A host for tests: a directory of users and accounts, a settable clock, the SDK
 * mounted at /mfa, and a guarded route at /accounts/:accountId/area. Requests
 * name their user in `as`; the session defaults to `<user>-s1`.
 */
import { Hono } from 'hono';
import { generate } from 'otplib';
import {
  createMfa,
  type Mfa,
  type MfaOptions,
  type MfaStore,
  memoryStore,
  type Role,
  sqliteStore,
} from '../src/index.ts';

export const SECRET = 'test-secret-of-at-least-32-bytes-long!!';
export const T0 = new Date('2026-03-02T10:00:00Z');

export interface Directory {
  users: Record<string, { email: string; displayName: string }>;
  memberships: Record<string, Record<string, Role>>; // accountId → userId → role
  accountNames: Record<string, string>;
  sso: Record<string, string>; // accountId → provider
}

export function defaultDirectory(): Directory {
  return {
    users: {
      ada: { email: 'ada@acme.test', displayName: 'Ada Admin' },
      max: { email: 'max@acme.test', displayName: 'Max Member' },
      sam: { email: 'sam@both.test', displayName: 'Sam Shared' },
      cleo: { email: 'cleo@contoso.test', displayName: 'Cleo Contoso Admin' },
      olga: { email: 'olga@else.test', displayName: 'Olga Outsider' },
    },
    memberships: {
      acme: { ada: 'admin', max: 'member', sam: 'member' },
      contoso: { cleo: 'admin', sam: 'member' },
      solo: { olga: 'admin' },
    },
    accountNames: { acme: 'Acme', contoso: 'Contoso', solo: 'Solo' },
    sso: { contoso: 'Active Directory' },
  };
}

export interface RequestOptions {
  as?: string;
  session?: string;
  sso?: boolean;
  ssoAccountId?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface Harness {
  mfa: Mfa;
  host: Hono;
  store: MfaStore;
  dir: Directory;
  clock: { now: Date };
  events: import('../src/index.ts').AuditEvent[];
  advance(seconds: number): void;
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  json<T = any>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<{ status: number; body: T; res: Response }>;
  code(secret: string, at?: Date): Promise<string>;
  enroll(user: string, session?: string): Promise<{ secret: string; recoveryCodes: string[] }>;
  /** The app secrets of the users `enroll` enrolled, by user. */
  secrets: Record<string, string>;
  /** Verifies the user's session (default `<user>-s1`) with a code of the app `enroll` set up. */
  verify(user: string, session?: string): Promise<void>;
}

export function createHarness(overrides: Partial<MfaOptions> = {}, dir = defaultDirectory()): Harness {
  const clock = { now: new Date(T0) };
  const store = overrides.store ?? memoryStore();
  const events: Harness['events'] = [];
  const mfa = createMfa({
    store,
    secret: SECRET,
    issuer: 'Acme Portal',
    now: () => new Date(clock.now),
    policyCacheTtl: 0,
    authenticate: (c) => {
      const user = c.req.header('x-test-user');
      if (!user || !dir.users[user]) return null;
      const ssoAccountId = c.req.header('x-test-sso-account');
      return {
        userId: user,
        sessionId: c.req.header('x-test-session') ?? `${user}-s1`,
        email: dir.users[user].email,
        authMethod: c.req.header('x-test-auth') === 'sso' ? 'sso' : 'password',
        ...(ssoAccountId ? { ssoAccountId } : {}),
      };
    },
    getMembership: (userId, accountId) => {
      const role = dir.memberships[accountId]?.[userId];
      return role ? { role, accountName: dir.accountNames[accountId] ?? accountId } : null;
    },
    listMemberships: (userId) =>
      Object.entries(dir.memberships).flatMap(([accountId, members]) =>
        members[userId]
          ? [{ accountId, accountName: dir.accountNames[accountId] ?? accountId, role: members[userId] }]
          : [],
      ),
    listMembers: (accountId) =>
      Object.entries(dir.memberships[accountId] ?? {}).map(([userId, role]) => ({
        userId,
        role,
        displayName: dir.users[userId]?.displayName ?? userId,
        email: dir.users[userId]?.email ?? '',
      })),
    getSso: (accountId) => (dir.sso[accountId] ? { provider: dir.sso[accountId] } : null),
    onEvent: (event) => {
      events.push(event);
    },
    ...overrides,
  });
  const host = new Hono();
  host.route('/mfa', mfa.app);
  host.use('/accounts/:accountId/*', mfa.guard());
  host.get('/accounts/:accountId/area', (c) => c.json({ ok: true, decision: c.get('mfaDecision') }));

  const request: Harness['request'] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.as) headers['x-test-user'] = options.as;
    if (options.session) headers['x-test-session'] = options.session;
    if (options.sso) headers['x-test-auth'] = 'sso';
    if (options.ssoAccountId) headers['x-test-sso-account'] = options.ssoAccountId;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    return Promise.resolve(
      host.request(`http://portal.test${path}`, { method, headers, ...(body === undefined ? {} : { body }) }),
    );
  };

  const harness: Harness = {
    mfa,
    host,
    store,
    dir,
    clock,
    events,
    advance(seconds) {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
    request,
    async json(method, path, options) {
      const res = await request(method, path, options);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
    },
    code: (secret, at) => generate({ secret, epoch: Math.floor((at ?? clock.now).getTime() / 1000) }),
    async enroll(user, session) {
      const setup = await harness.json('POST', '/mfa/me/totp/setup', {
        as: user,
        ...(session ? { session } : {}),
      });
      if (setup.status !== 200) throw new Error(`setup failed: ${JSON.stringify(setup.body)}`);
      const code = await harness.code(setup.body.secret);
      const confirm = await harness.json('POST', '/mfa/me/totp/confirm', {
        as: user,
        ...(session ? { session } : {}),
        body: { code },
      });
      if (confirm.status !== 200) throw new Error(`confirm failed: ${JSON.stringify(confirm.body)}`);
      // The confirming code's step is used: later challenges in tests need the next step.
      harness.advance(30);
      harness.secrets[user] = setup.body.secret;
      return { secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
    },
    secrets: {},
    async verify(user, session) {
      const secret = harness.secrets[user];
      if (!secret) throw new Error(`${user} was not enrolled through the harness`);
      const res = await harness.json('POST', '/mfa/challenge', {
        as: user,
        ...(session ? { session } : {}),
        body: { code: await harness.code(secret) },
      });
      if (res.status !== 200) throw new Error(`verify failed: ${JSON.stringify(res.body)}`);
      // That code's step is used now.
      harness.advance(30);
    },
  };
  return harness;
}

/**
 * The stores a storage-dependent rule is proved on (for `describe.each`): the
 * atomic guarantees live in the store, so each rule is tested on each store.
 */
export const storeFactories: [name: string, makeStore: () => MfaStore][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ filename: ':memory:' })],
];

/** A 6-digit code that is valid for `secret` in none of the steps accepted now (previous, current, next). */
export async function wrongCode(h: Harness, secret: string): Promise<string> {
  const at = h.clock.now.getTime();
  const valid = new Set(
    await Promise.all([-30_000, 0, 30_000].map((offset) => h.code(secret, new Date(at + offset)))),
  );
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}
