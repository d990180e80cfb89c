/**
 * What the SDK's tests share, in one module:
 * - a host for tests (`createHarness`): a directory of users and accounts, a settable
 *   clock, the SDK mounted at /mfa, and a guarded route at /accounts/:accountId/area.
 *   Requests name their user in `as`; the session defaults to `<user>-s1`;
 * - the one check of an error body (`expectError`) and concrete paths of the route table;
 * - a store wrapper that records calls and injects faults (`faultyStore`), SQLite files
 *   in a temporary folder, and small readers of a user's session and decision.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { generate } from 'otplib';
import { expect } from 'vitest';
import type { RouteDef } from '../src/core/endpoint.ts';
import { type ErrorCode, errorCodes } from '../src/errors.ts';
import {
  type AuditEvent,
  createMfa,
  type Mfa,
  type MfaOptions,
  type MfaStore,
  memoryStore,
  type Role,
} from '../src/index.ts';
import { sqliteStore } from '../src/sqlite.ts';

// ── a host for tests ─────────────────────────────────────────────────────────

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
    // Reminders only when a test sends them (`mfa.sendDueReminders()`), on the test's clock.
    reminders: 'manual',
    // Passkeys belong to the portal's configured origin, never to a request's Host header.
    webauthn: { origin: 'http://portal.test' },
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
    ...(spied.has(store)
      ? {}
      : {
          onEvent: (event: AuditEvent) => {
            events.push(event);
          },
        }),
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
    // Then the delivery loop's pass (it runs beside requests): the events a request stored
    // are in `events` when it answers, as a host's `onEvent` gets them moments later.
    return Promise.resolve(
      host.request(`http://portal.test${path}`, { method, headers, ...(body === undefined ? {} : { body }) }),
    ).then(async (res) => {
      if (!spied.has(store)) await mfa.deliverEvents().catch(() => {});
      return res;
    });
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
      // A file (the CSV exports) is its text; everything else the API answers is JSON.
      const file = res.headers.get('content-disposition')?.startsWith('attachment');
      return { status: res.status, body: text ? (file ? text : JSON.parse(text)) : undefined, res };
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
      // Confirming a new app proves the app, not the person: it is no step-up. The session
      // verifies with it once, as a user who goes on to a sensitive action is asked to.
      await harness.verify(user, session);
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

// ── error bodies and the route table ─────────────────────────────────────────

/** The extra fields DESIGN.md allows inside `error`, besides `code` and `message`. */
export const ERROR_EXTRAS = new Set([
  'attemptsLeft',
  'retryAfterSeconds',
  'recoveryCodeRequired',
  'deadline',
  'accepts',
  'maxAgeSeconds',
  'accounts',
  'nextAllowedAt',
  'details',
]);

/** Problems with an error answer, or `[]` when it has exactly the documented shape. */
export function errorShapeProblems(status: number, body: unknown): string[] {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body is not an object'];
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'error') problems.push(`top-level keys ${JSON.stringify(keys)}`);
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null || Array.isArray(error))
    return [...problems, 'no error object'];
  const { code, message, ...extra } = error as Record<string, unknown>;
  if (typeof code !== 'string' || !Object.hasOwn(errorCodes, code))
    problems.push(`unknown code ${String(code)}`);
  else if (errorCodes[code as ErrorCode].status !== status)
    problems.push(
      `code ${code} answered with ${status}, registry says ${errorCodes[code as ErrorCode].status}`,
    );
  if (typeof message !== 'string' || message.length === 0) problems.push('no message');
  else if (message.endsWith('..')) problems.push(`message ends in two full stops: ${message}`);
  for (const key of Object.keys(extra)) if (!ERROR_EXTRAS.has(key)) problems.push(`extra field ${key}`);
  return problems;
}

/** Asserts an error answer: its status and code, the exact body shape and the JSON content type. */
export function expectError(
  result: { status: number; body: any; res: Response },
  code: ErrorCode,
): { code: ErrorCode; message: string } & Record<string, any> {
  expect({ status: result.status, code: result.body?.error?.code }).toEqual({
    status: errorCodes[code].status,
    code,
  });
  expect(errorShapeProblems(result.status, result.body)).toEqual([]);
  expect(result.res.headers.get('content-type')).toMatch(/^application\/json/);
  return result.body.error;
}

/** A route's name in test titles and fixture tables: `PUT /accounts/:accountId/policy`. */
export const routeKey = (route: Pick<RouteDef, 'method' | 'path'>) => `${route.method} ${route.path}`;

/** Values for path parameters: by default the caller's account (acme) and a plain member of it (max). */
export const DEFAULT_PARAMS: Record<string, string> = { accountId: 'acme', userId: 'max' };

/** The route's path under the mount point `/mfa`, its parameters filled in (URL-encoded). */
export function pathOf(route: Pick<RouteDef, 'path'>, params: Record<string, string> = {}): string {
  return `/mfa${route.path.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(params[name] ?? DEFAULT_PARAMS[name] ?? 'x'),
  )}`;
}

/** The names of a route's path parameters. */
export const paramNames = (route: Pick<RouteDef, 'path'>) =>
  [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] as string);

export const isStateChanging = (route: Pick<RouteDef, 'method'>) => route.method !== 'GET';

// ── faults, files and readers ────────────────────────────────────────────────

/** How an armed fault strikes: the call never happens (throw, hang), or happens and then throws (after). */
export type FaultMode = 'throw' | 'hang' | 'after';

export interface Fault {
  mode: FaultMode;
  /** Strike the n-th call (1-based) counted from `arm`; default every matching call. */
  at?: number;
  /** Count and strike calls of this method only; default every method. */
  method?: keyof MfaStore;
}

export interface FaultyStore {
  store: MfaStore;
  /** Method names called since the last `arm` or `record`, in order. */
  calls: string[];
  /** The same calls with their arguments. */
  log: { method: string; args: unknown[] }[];
  /** Starts recording calls without faults. */
  record(): void;
  /** Starts counting calls and strikes as `fault` says. */
  arm(fault: Fault): void;
  /** Stops striking (recording goes on). */
  disarm(): void;
  /** Whether the armed fault has struck since `arm`. */
  struck(): boolean;
}

/** Calls that set up a store rather than use it: never counted or struck. */
const LIFECYCLE = new Set(['migrate', 'close']);

/**
 * Wraps a store so a test can strike one call of a flow: the store stays the
 * real one (memory or SQLite), so what a fault leaves behind is what that store
 * really holds afterwards.
 */
/**
 * Stores a test spies on or breaks (`faultyStore`): a harness on one has no `onEvent`, so no
 * delivery loop makes store calls of its own beside the requests the test counts.
 */
const spied = new WeakSet<MfaStore>();

/** Marks `store` as one a test counts the calls of (no delivery loop on a harness over it); answers it. */
export function spiedOn<S extends MfaStore>(store: S): S {
  spied.add(store);
  return store;
}

export function faultyStore(inner: MfaStore): FaultyStore {
  let fault: Fault | null = null;
  let seen = 0;
  let hit = false;
  const calls: string[] = [];
  const log: { method: string; args: unknown[] }[] = [];
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || LIFECYCLE.has(property))
        return value;
      return async (...args: unknown[]) => {
        calls.push(property);
        log.push({ method: property, args });
        const matches = fault !== null && (fault.method === undefined || fault.method === property);
        const strike = matches && ++seen === (fault?.at ?? seen);
        if (!strike || !fault) return value.apply(target, args);
        hit = true;
        if (fault.mode === 'hang') return new Promise(() => {});
        if (fault.mode === 'throw') throw new Error(`injected fault before ${property}`);
        await value.apply(target, args);
        throw new Error(`injected fault after ${property}`);
      };
    },
  });
  spied.add(store);
  return {
    store,
    calls,
    log,
    record() {
      fault = null;
      calls.length = 0;
      log.length = 0;
    },
    arm(next) {
      fault = next;
      seen = 0;
      hit = false;
      calls.length = 0;
      log.length = 0;
    },
    disarm() {
      fault = null;
    },
    struck: () => hit,
  };
}

/** A temporary folder for SQLite files, removed by `cleanup`. */
export function tempFolder(prefix = 'mfakit-adversarial-') {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  return {
    folder,
    file: (name = 'mfa.db') => join(folder, name),
    cleanup: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** Whether the session counts as verified, as `GET /me` says. */
export async function sessionVerified(h: Harness, as: string, session: string): Promise<boolean> {
  const me = await h.json('GET', '/mfa/me', { as, session });
  if (me.status !== 200) throw new Error(`GET /me: ${me.status} ${JSON.stringify(me.body)}`);
  return me.body.session.verified;
}

/** The caller's access decision for an account (`GET /accounts/:id/access`). */
export async function accessOf(h: Harness, as: string, session: string, accountId = 'acme') {
  const res = await h.json('GET', `/mfa/accounts/${accountId}/access`, { as, session });
  if (res.status !== 200) throw new Error(`GET access: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { allow: boolean; reason: string; deadline?: string };
}

/** A session id unique to one probe. */
let probes = 0;
export const freshSession = (user: string) => `${user}-probe-${++probes}`;

/**
 * Forgets every user's failure count (the back-off is proved elsewhere): tests that
 * probe something else clear it so that every probe is judged. Through
 * `pruneExpired`, the only way a store forgets failures besides a success.
 */
export async function forgetFailures(store: MfaStore): Promise<void> {
  await store.pruneExpired({
    now: new Date(0),
    sessionsBefore: new Date(0),
    attemptsBefore: new Date(8.64e15),
    keepFailures: Number.MAX_SAFE_INTEGER,
    limit: 1_000_000,
  });
}
